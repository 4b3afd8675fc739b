-- The school's plan in its Intervention Record: priorities, the impact recorded against each,
-- and their actions with owner, due date and status. Each change goes through the case's
-- revision and is written to its history.

CREATE TABLE plan_priorities (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    impact TEXT NOT NULL DEFAULT ''
);

CREATE TABLE plan_actions (
    id INTEGER PRIMARY KEY,
    priority_id INTEGER NOT NULL REFERENCES plan_priorities (id),
    description TEXT NOT NULL CHECK (length(trim(description)) > 0),
    owner TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL
);

CREATE INDEX plan_priorities_by_case ON plan_priorities (case_id, id);
CREATE INDEX plan_actions_by_priority ON plan_actions (priority_id, id);
