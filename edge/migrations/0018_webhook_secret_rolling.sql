-- A webhook endpoint's signing secret can be rolled (a leak, someone who
-- knew it left): each roll moves the endpoint to its next generation, whose
-- secret is derived from WEBHOOK_SIGNING_KEY, the endpoint's id and the
-- generation (edge/src/handoff/signature.rs), so D1 still holds no secret.
-- Generation 0 is the secret every endpoint had before: nothing changes
-- for a receiver until its endpoint is rolled.
--
-- Until `previous_secret_until`, events are signed with the secret the roll
-- replaced as well, so a receiver can switch over without refusing events.
ALTER TABLE webhooks ADD COLUMN secret_generation INTEGER NOT NULL DEFAULT 0
    CHECK (secret_generation >= 0);
ALTER TABLE webhooks ADD COLUMN previous_secret_until TEXT;
