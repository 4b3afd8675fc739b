-- Imports of published files, and the links GIAS records between establishments.

-- Every file imported, by the SHA-256 of its bytes as published, so that a second import of the
-- same file is recognised and changes nothing.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    publisher TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    added INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    unchanged INTEGER NOT NULL
);

CREATE INDEX imports_by_sha256 ON imports (sha256);

-- Predecessor and successor links. No foreign keys: the links file covers all of England and
-- names establishments this deployment may not hold; they are kept, and reported.
CREATE TABLE establishment_links (
    urn INTEGER NOT NULL,
    linked_urn INTEGER NOT NULL,
    link_type TEXT NOT NULL,
    kind TEXT NOT NULL,
    linked_name TEXT NOT NULL,
    established_on TEXT,
    PRIMARY KEY (urn, linked_urn, link_type)
);

CREATE INDEX establishment_links_by_linked_urn ON establishment_links (linked_urn);

-- When GIAS last changed each establishment's record, so that an older extract imported after a
-- newer one does not undo it.
ALTER TABLE establishments ADD COLUMN gias_last_changed_on TEXT;
