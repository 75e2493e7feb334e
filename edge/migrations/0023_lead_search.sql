-- What the dashboard's search finds a lead by: its e-mail, names and company
-- folded to lower case without accents, so "alvaro" and "ÁLVARO" find
-- "Álvaro". SQLite's lower() folds ASCII only, so the edge folds the text
-- (edge/src/leads/search.rs) and writes it with the lead's fields; an
-- erasure clears it with them.
ALTER TABLE leads ADD COLUMN search TEXT;

-- Leads written before: folded here for the accented letters Spanish,
-- Portuguese, French, Catalan and German write, one base letter at a time
-- (SQLite's parser refuses them all nested at once); a lead's next
-- submission writes the edge's whole fold.
UPDATE leads SET search = lower(email || ' ' || coalesce(fields ->> 'first_name', '')
                                || ' ' || coalesce(fields ->> 'last_name', '')
                                || ' ' || coalesce(fields ->> 'company', ''))
 WHERE erased_at IS NULL;
UPDATE leads SET search = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search, 'á', 'a'), 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'ã', 'a'), 'å', 'a'), 'Á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Ã', 'a'), 'Å', 'a') WHERE search IS NOT NULL;
UPDATE leads SET search = replace(replace(replace(replace(replace(replace(replace(replace(search, 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e') WHERE search IS NOT NULL;
UPDATE leads SET search = replace(replace(replace(replace(replace(replace(replace(replace(search, 'í', 'i'), 'ì', 'i'), 'î', 'i'), 'ï', 'i'), 'Í', 'i'), 'Ì', 'i'), 'Î', 'i'), 'Ï', 'i') WHERE search IS NOT NULL;
UPDATE leads SET search = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search, 'ó', 'o'), 'ò', 'o'), 'ô', 'o'), 'ö', 'o'), 'õ', 'o'), 'Ó', 'o'), 'Ò', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'Õ', 'o') WHERE search IS NOT NULL;
UPDATE leads SET search = replace(replace(replace(replace(replace(replace(replace(replace(search, 'ú', 'u'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'Ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u') WHERE search IS NOT NULL;
UPDATE leads SET search = replace(replace(search, 'ñ', 'n'), 'Ñ', 'n') WHERE search IS NOT NULL;
UPDATE leads SET search = replace(replace(search, 'ç', 'c'), 'Ç', 'c') WHERE search IS NOT NULL;
UPDATE leads SET search = replace(replace(replace(search, 'ý', 'y'), 'ÿ', 'y'), 'Ý', 'y') WHERE search IS NOT NULL;
