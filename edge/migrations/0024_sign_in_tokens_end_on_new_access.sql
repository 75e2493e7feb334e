-- A one-time sign-in token signs its person in with all the access they
-- have when it is used. Only an admin of every site they worked on when it
-- was made may make one (access/one_time.rs), so it must not reach a site
-- they joined, or a role they were given, after that: any change to their
-- memberships ends their unused tokens, and an admin makes a new one.

CREATE TRIGGER sign_in_tokens_end_on_join AFTER INSERT ON memberships
BEGIN
    DELETE FROM sign_in_tokens WHERE account_id = NEW.account_id AND used_at IS NULL;
END;

CREATE TRIGGER sign_in_tokens_end_on_role AFTER UPDATE OF role ON memberships
WHEN NEW.role IS NOT OLD.role
BEGIN
    DELETE FROM sign_in_tokens WHERE account_id = NEW.account_id AND used_at IS NULL;
END;
