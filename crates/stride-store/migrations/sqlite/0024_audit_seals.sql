-- The audit log sealed (issue 8): each entry's seal is a hash of the seal before it and its own
-- fields (stride_core::pupils::audit::seal), so that an entry edited or removed with the file
-- open in another tool breaks the chain, which `stride audit verify` checks. Seals are written
-- in the same transaction as their entries (and, for entries made before seals were, by the
-- next write), and are as append-only as the entries.

CREATE TABLE audit_seals (
    entry_id INTEGER PRIMARY KEY REFERENCES audit_log (id),
    seal TEXT NOT NULL CHECK (length(seal) = 64)
);

CREATE TRIGGER audit_seals_kept_on_update BEFORE UPDATE ON audit_seals
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_seals_kept_on_delete BEFORE DELETE ON audit_seals
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
