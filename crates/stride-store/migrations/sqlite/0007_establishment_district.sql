-- The local government district GIAS gives, kept so that an LA set up after its schools were
-- imported can take their districts as its localities.
ALTER TABLE establishments ADD COLUMN district TEXT;
