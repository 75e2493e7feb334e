-- How many times each submission's signed offer link was followed.
ALTER TABLE submissions ADD COLUMN downloads INTEGER NOT NULL DEFAULT 0;
