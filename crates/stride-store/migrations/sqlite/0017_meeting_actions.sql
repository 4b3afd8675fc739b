-- A meeting's agreed actions, beside what it decided: Team Around the School and task group
-- meetings end with who will do what.

ALTER TABLE activities ADD COLUMN actions TEXT NOT NULL DEFAULT '';
