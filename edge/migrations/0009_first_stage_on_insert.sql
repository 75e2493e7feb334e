-- Every lead's stage history starts when the lead is created, whatever
-- creates it: the first stage is recorded here, in the same statement as the
-- lead, so a new lead's submission batch needs no statement for it. Later
-- moves (by the rules or by people) are written by the Worker, with their
-- actor and reason.
CREATE TRIGGER leads_first_stage AFTER INSERT ON leads
BEGIN
    INSERT INTO stage_changes (lead_id, from_stage, to_stage, actor, reason)
    VALUES (NEW.id, NULL, NEW.stage, 'rule', 'new lead');
END;
