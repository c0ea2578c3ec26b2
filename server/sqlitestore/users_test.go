package sqlitestore_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"cookielab/server/auth"
	"cookielab/server/sqlitestore"
)

var fastHash = auth.UsersOptions{Cost: bcrypt.MinCost}

// TestUsersSurviveReopening: sign-ups are rows, kept across a restart; the
// demo accounts are there once, with the passwords the login page shows.
func TestUsersSurviveReopening(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cookielab.db")
	db, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	users, err := auth.NewSeededUsersIn(db.Users(), fastHash)
	if err != nil {
		t.Fatal(err)
	}
	carol, err := users.Create(ctx, "carol", "Carol", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := users.ByUsername("alice")
	if _, err := users.SetPassword(ctx, alice.ID, "a learner changed it"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	users, err = auth.NewSeededUsersIn(db.Users(), fastHash)
	if err != nil {
		t.Fatalf("seeding a file that has the demo accounts: %v", err)
	}
	if u, err := users.Authenticate(ctx, "carol", "correct horse"); err != nil || u.ID != carol.ID || u.DisplayName != "Carol" {
		t.Fatalf("carol after reopening: %+v, %v", u, err)
	}
	if _, err := users.Authenticate(ctx, "alice", "wonderland"); err != nil {
		t.Fatalf("alice's demo password after reopening: %v", err)
	}
	all := users.All()
	if len(all) != 3 || all[0].Username != "alice" || all[2].Username != "carol" {
		t.Fatalf("All = %+v, want alice, bob, carol", all)
	}
}

// TestUsersShared: two handles on one file (two instances) see each
// other's sign-ups and changes at once; a username is taken once.
func TestUsersShared(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cookielab.db")
	var stores []*auth.Users
	for range 2 {
		db, err := sqlitestore.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		users, err := auth.NewSeededUsersIn(db.Users(), fastHash)
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, users)
	}
	a, b := stores[0], stores[1]
	dave, err := a.Create(ctx, "dave", "", "password one")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Create(ctx, "dave", "", "password two"); !errors.Is(err, auth.ErrUsernameTaken) {
		t.Fatalf("the same username on the other instance: %v, want ErrUsernameTaken", err)
	}
	if u, ok := b.Get(dave.ID); !ok || u.Username != "dave" {
		t.Fatalf("the other instance does not see the sign-up: %+v %v", u, ok)
	}
	if _, err := b.SetActive(dave.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, "dave", "password one"); !errors.Is(err, auth.ErrInactive) {
		t.Fatalf("a change on one instance is not seen on the other: %v", err)
	}
	if a.Len() != 3 {
		t.Fatalf("Len = %d, want the 2 demo accounts and dave", a.Len())
	}
	b.Delete(dave.ID) // a sign-up undone
	if _, ok := a.Get(dave.ID); ok || a.Len() != 2 {
		t.Fatalf("a sign-up undone on one instance is still there on the other (Len %d)", a.Len())
	}
	if _, ok := a.Get("not-an-id"); ok {
		t.Fatal("Get of a malformed id found a user")
	}
	if _, err := a.SetPassword(ctx, "999", "whatever it is"); !errors.Is(err, auth.ErrNoSuchUser) {
		t.Fatalf("SetPassword of a missing user: %v", err)
	}
}

func TestUsersBound(t *testing.T) {
	ctx := context.Background()
	users, err := auth.NewSeededUsersIn(openDB(t).Users(), auth.UsersOptions{Cost: bcrypt.MinCost, MaxUsers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := users.Create(ctx, "carol", "", "password one"); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Create(ctx, "dave", "", "password two"); !errors.Is(err, auth.ErrTooManyUsers) {
		t.Fatalf("a sign-up beyond the bound: %v, want ErrTooManyUsers", err)
	}
}
