-- Who recorded each withdrawal, as the audit log names them (`visitor` on
-- the person's own consent page, `account:<id>`, `token:<id>` or
-- `operator` for staff), so a lead's page can say it beside the
-- withdrawal. Withdrawals recorded before this column have none here; the
-- audit log still names who recorded them.
ALTER TABLE ended_grants ADD COLUMN withdrawn_by TEXT;
