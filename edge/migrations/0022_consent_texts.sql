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

CREATE TRIGGER consent_texts_of_new_forms AFTER INSERT ON forms
BEGIN
    INSERT INTO consent_texts (form_id, consent_id, purpose, text)
    SELECT NEW.id, item.id, item.purpose, item.text
      FROM (SELECT json_extract(c.value, '$.id') AS id,
                   json_extract(c.value, '$.purpose') AS purpose,
                   json(json_extract(c.value, '$.text')) AS text
              FROM json_each(NEW.spec, '$.consents') c) item
     WHERE NOT EXISTS (SELECT 1 FROM consent_texts t
                        WHERE t.form_id = NEW.id AND t.consent_id = item.id
                          AND t.purpose = item.purpose AND t.text = item.text);
END;

CREATE TRIGGER consent_texts_of_saved_forms AFTER UPDATE OF spec ON forms
BEGIN
    INSERT INTO consent_texts (form_id, consent_id, purpose, text)
    SELECT NEW.id, item.id, item.purpose, item.text
      FROM (SELECT json_extract(c.value, '$.id') AS id,
                   json_extract(c.value, '$.purpose') AS purpose,
                   json(json_extract(c.value, '$.text')) AS text
              FROM json_each(NEW.spec, '$.consents') c) item
     WHERE NOT EXISTS (SELECT 1 FROM consent_texts t
                        WHERE t.form_id = NEW.id AND t.consent_id = item.id
                          AND t.purpose = item.purpose AND t.text = item.text);
END;

-- The texts of the forms as they are now; earlier ones are gone.
INSERT INTO consent_texts (form_id, consent_id, purpose, text)
SELECT f.id, json_extract(c.value, '$.id'), json_extract(c.value, '$.purpose'),
       json(json_extract(c.value, '$.text'))
  FROM forms f, json_each(f.spec, '$.consents') c;
