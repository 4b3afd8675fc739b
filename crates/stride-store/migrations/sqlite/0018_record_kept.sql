-- What was done, and the documents attached, are kept as recorded, like the steps on the
-- ladder and the record's history: a correction is recorded as a new entry.

CREATE TRIGGER activities_are_kept BEFORE UPDATE ON activities
BEGIN
    SELECT RAISE(ABORT, 'a visit or meeting is kept as recorded: record a correction');
END;

CREATE TRIGGER activities_are_not_deleted BEFORE DELETE ON activities
BEGIN
    SELECT RAISE(ABORT, 'a visit or meeting is kept as recorded');
END;

CREATE TRIGGER documents_are_not_deleted BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'a document attached to a record is kept');
END;
