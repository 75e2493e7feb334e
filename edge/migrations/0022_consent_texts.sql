-- Every text each form's consent items have had, kept for good. The ledger
-- records a consent by its text's version (a hash), and a hash proves
-- nothing once the form's text is edited and the words are gone. The widget
-- sends back the version it showed, which is older than the form's current
-- text when the form changed while the page was open or the submission
-- waited in the widget's outbox; the edge finds that version here
-- (edge/src/forms/texts.rs). The triggers record the texts whatever writes
-- the form (the dashboard's editor, `make forms`, the seed).
CREATE TABLE consent_texts (
    id         INTEGER PRIMARY KEY,
    form_id    TEXT NOT NULL,
    consent_id TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    -- The item's text per locale, as the spec writes it ({"es": …, "en": …}).
    text       TEXT NOT NULL CHECK (json_valid(text)),
    saved_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX consent_texts_by_item ON consent_texts (form_id, consent_id);

-- The consent items of the forms' specs whose text is not recorded yet, or
-- was last recorded with another purpose (read latest first, a text keeps
-- the purpose it had last).
CREATE VIEW unrecorded_consent_texts AS
SELECT item.*
  FROM (SELECT f.id AS form_id,
               json_extract(c.value, '$.id') AS consent_id,
               json_extract(c.value, '$.purpose') AS purpose,
               json(json_extract(c.value, '$.text')) AS text
          FROM forms f, json_each(f.spec, '$.consents') c) item
 WHERE item.purpose IS NOT (SELECT t.purpose FROM consent_texts t
                             WHERE t.form_id = item.form_id AND t.consent_id = item.consent_id
                               AND t.text = item.text
                             ORDER BY t.id DESC LIMIT 1);

CREATE TRIGGER consent_texts_of_new_forms AFTER INSERT ON forms
BEGIN
    INSERT INTO consent_texts (form_id, consent_id, purpose, text)
    SELECT form_id, consent_id, purpose, text FROM unrecorded_consent_texts WHERE form_id = NEW.id;
END;

CREATE TRIGGER consent_texts_of_saved_forms AFTER UPDATE OF spec ON forms
BEGIN
    INSERT INTO consent_texts (form_id, consent_id, purpose, text)
    SELECT form_id, consent_id, purpose, text FROM unrecorded_consent_texts WHERE form_id = NEW.id;
END;

-- The texts of the forms as they are now; earlier ones are gone.
INSERT INTO consent_texts (form_id, consent_id, purpose, text)
SELECT form_id, consent_id, purpose, text FROM unrecorded_consent_texts;
