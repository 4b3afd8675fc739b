-- Strategy action plans (seed 004): a plan's actions, each action's tasks, every update of a
-- task as it was written (append-only: a task's history is its updates), and the days
-- progress reports were issued, from which the next report says what changed.

CREATE TABLE strategy_plans (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE strategy_actions (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES strategy_plans (id),
    number INTEGER NOT NULL CHECK (number >= 1),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    UNIQUE (plan_id, number)
);

CREATE TABLE strategy_tasks (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES strategy_actions (id),
    description TEXT NOT NULL CHECK (length(trim(description)) > 0),
    -- 2003-09, or ongoing (stride-core's Timescale).
    timescale TEXT NOT NULL
);

CREATE TABLE strategy_task_updates (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES strategy_tasks (id),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,
    progress TEXT NOT NULL,
    revised_timescale TEXT
);

CREATE INDEX strategy_task_updates_by_task ON strategy_task_updates (task_id, updated_at);

CREATE TRIGGER strategy_task_updates_kept_on_update BEFORE UPDATE ON strategy_task_updates
BEGIN SELECT RAISE(ABORT, 'a task''s updates are kept as written'); END;
CREATE TRIGGER strategy_task_updates_kept_on_delete BEFORE DELETE ON strategy_task_updates
BEGIN SELECT RAISE(ABORT, 'a task''s updates are kept as written'); END;

CREATE TABLE strategy_reports (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES strategy_plans (id),
    issued_on TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    UNIQUE (plan_id, issued_on)
);
