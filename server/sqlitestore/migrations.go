package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema's steps, in order; schema_version holds how
// many a file has had. Append a step to change the schema: never edit one
// that has shipped, since files out there already ran it.
var migrations = []string{
	// 1: sessions (Django's django_session and what the Store contract
	// adds), their running totals for the bounds, and the users.
	`
CREATE TABLE django_session (
	session_key  TEXT NOT NULL PRIMARY KEY, -- the session id (what the cookie carries, signed)
	session_data TEXT NOT NULL,             -- the data, a JSON object
	expire_date  TEXT NOT NULL,             -- the deadline: idle or absolute, whichever comes first (UTC)
	user_id      TEXT,                      -- the logged-in user; NULL for an anonymous session
	created      TEXT NOT NULL,
	last_seen    TEXT NOT NULL,
	events       TEXT NOT NULL,             -- the life-cycle history, a JSON array, newest last
	cost         INTEGER NOT NULL           -- bytes this row counts against the store's bound
);
CREATE INDEX django_session_expire_date ON django_session (expire_date);
CREATE INDEX django_session_user ON django_session (user_id, created) WHERE user_id IS NOT NULL;
CREATE INDEX django_session_anonymous ON django_session (last_seen) WHERE user_id IS NULL;

CREATE TABLE session_totals (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	sessions INTEGER NOT NULL,
	bytes    INTEGER NOT NULL,
	evicted  INTEGER NOT NULL
);
INSERT INTO session_totals VALUES (1, 0, 0, 0);
CREATE TRIGGER session_inserted AFTER INSERT ON django_session BEGIN
	UPDATE session_totals SET sessions = sessions + 1, bytes = bytes + NEW.cost WHERE id = 1;
END;
CREATE TRIGGER session_deleted AFTER DELETE ON django_session BEGIN
	UPDATE session_totals SET sessions = sessions - 1, bytes = bytes - OLD.cost WHERE id = 1;
END;
CREATE TRIGGER session_resized AFTER UPDATE OF cost ON django_session BEGIN
	UPDATE session_totals SET bytes = bytes - OLD.cost + NEW.cost WHERE id = 1;
END;

CREATE TABLE auth_user (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	password     TEXT NOT NULL, -- the bcrypt hash, never the password
	last_login   TEXT,          -- NULL until the first login
	username     TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	is_active    INTEGER NOT NULL,
	date_joined  TEXT NOT NULL
);
`,
}

// migrate brings the file's schema up to date in one transaction, so two
// instances starting on the same file cannot both run a step.
func (db *DB) migrate(ctx context.Context) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		var have int
		switch err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&have); {
		case err == sql.ErrNoRows:
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (0)`); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if have > len(migrations) {
			return fmt.Errorf("its schema is version %d, newer than this Cookie Lab's %d: use a newer Cookie Lab or another file", have, len(migrations))
		}
		for v := have; v < len(migrations); v++ {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, len(migrations))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", db.path, err)
	}
	return nil
}
