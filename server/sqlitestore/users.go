package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"cookielab/server/auth"
)

// Users is the auth.UserBackend in the database's auth_user table.
type Users struct{ db *DB }

var _ auth.UserBackend = Users{}

// Users returns the user table of db.
func (db *DB) Users() Users { return Users{db: db} }

const userColumns = `id, password, last_login, username, display_name, is_active, date_joined`

func scanUser(sc scanner) (auth.User, error) {
	var (
		u         auth.User
		id        int64
		lastLogin sql.NullString
		joined    string
	)
	if err := sc.Scan(&id, &u.PasswordHash, &lastLogin, &u.Username, &u.DisplayName, &u.IsActive, &joined); err != nil {
		return u, err
	}
	u.ID = strconv.FormatInt(id, 10)
	var err error
	if u.DateJoined, err = parseTime(joined); err != nil {
		return u, err
	}
	if lastLogin.Valid {
		u.LastLogin, err = parseTime(lastLogin.String)
	}
	return u, err
}

// lastLogin is NULL until the first login, as in Django.
func lastLogin(u auth.User) sql.NullString {
	if u.LastLogin.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(u.LastLogin), Valid: true}
}

// InsertUser implements auth.UserBackend.
func (us Users) InsertUser(ctx context.Context, u auth.User, max int) (auth.User, error) {
	err := us.db.write(ctx, func(tx *sql.Tx) error {
		var taken bool
		if err := us.db.queryRow(ctx, tx, `SELECT EXISTS (SELECT 1 FROM auth_user WHERE username = ?)`, u.Username).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return auth.ErrUsernameTaken
		}
		var n int
		if err := us.db.queryRow(ctx, tx, `SELECT count(*) FROM auth_user`).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return auth.ErrTooManyUsers
		}
		res, err := us.db.execIn(ctx, tx, `INSERT INTO auth_user (password, last_login, username, display_name, is_active, date_joined) VALUES (?, ?, ?, ?, ?, ?)`,
			u.PasswordHash, lastLogin(u), u.Username, u.DisplayName, u.IsActive, formatTime(u.DateJoined))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		u.ID = strconv.FormatInt(id, 10)
		return err
	})
	if err != nil {
		return auth.User{}, unavailable(err)
	}
	return u, nil
}

// UserByID implements auth.UserBackend.
func (us Users) UserByID(ctx context.Context, id string) (auth.User, bool, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != id {
		return auth.User{}, false, nil // not an id this table gives: no such user
	}
	return us.one(ctx, `SELECT `+userColumns+` FROM auth_user WHERE id = ?`, n)
}

// UserByUsername implements auth.UserBackend.
func (us Users) UserByUsername(ctx context.Context, username string) (auth.User, bool, error) {
	return us.one(ctx, `SELECT `+userColumns+` FROM auth_user WHERE username = ?`, username)
}

func (us Users) one(ctx context.Context, query string, arg any) (auth.User, bool, error) {
	u, err := scanUser(us.db.queryRow(ctx, nil, query, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, false, nil
	}
	if err != nil {
		return auth.User{}, false, unavailable(err)
	}
	return u, true, nil
}

// AllUsers implements auth.UserBackend.
func (us Users) AllUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := us.db.query(ctx, `SELECT `+userColumns+` FROM auth_user ORDER BY id`)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, unavailable(err)
		}
		out = append(out, u)
	}
	return out, unavailable(rows.Err())
}

// CountUsers implements auth.UserBackend.
func (us Users) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := us.db.queryRow(ctx, nil, `SELECT count(*) FROM auth_user`).Scan(&n)
	return n, unavailable(err)
}

// UpdateUser implements auth.UserBackend: read, change and write in one
// transaction, so a change made meanwhile by another instance is not lost.
func (us Users) UpdateUser(ctx context.Context, id string, change func(*auth.User)) (auth.User, error) {
	var u auth.User
	err := us.db.write(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = scanUser(us.db.queryRow(ctx, tx, `SELECT `+userColumns+` FROM auth_user WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return auth.ErrNoSuchUser
		}
		if err != nil {
			return err
		}
		change(&u)
		u.ID = id // the id is the row's: a change cannot move it
		_, err = us.db.execIn(ctx, tx, `UPDATE auth_user SET password = ?, last_login = ?, username = ?, display_name = ?, is_active = ?, date_joined = ? WHERE id = ?`,
			u.PasswordHash, lastLogin(u), u.Username, u.DisplayName, u.IsActive, formatTime(u.DateJoined), id)
		return err
	})
	if err != nil {
		return auth.User{}, unavailable(err)
	}
	return u, nil
}

// DeleteUser implements auth.UserBackend.
func (us Users) DeleteUser(ctx context.Context, id string) error {
	_, err := us.db.exec(ctx, `DELETE FROM auth_user WHERE id = ?`, id)
	return unavailable(err)
}
