-- Documents attached to a school's Intervention Record: a post-inspection record of actions, a
-- warning notice, a plan as the school wrote it. Kept as uploaded, with who and when; a
-- document is added, never changed.

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    urn INTEGER NOT NULL REFERENCES establishments (urn),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);

CREATE INDEX documents_by_school ON documents (urn, id);

CREATE TRIGGER documents_are_not_changed BEFORE UPDATE ON documents
BEGIN
    SELECT RAISE(ABORT, 'a document is kept as uploaded: attach a new one');
END;
