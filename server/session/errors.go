package session

import (
	"errors"
	"fmt"
	"net/http"
)

// Messages of PlainError, the default Config.Error.
const (
	InterruptedMessage = "Your session ended in another request (for example you logged out in another tab) while this one was running, so this change was not saved. Please log in again."
	FullMessage        = "Too many sessions right now; please try again in a minute."
	UnavailableMessage = "The session store is not answering right now; please try again shortly."
	TooLargeMessage    = "This session cannot hold that much data; nothing was saved."
	NotAdmittedMessage = "Too many new sessions from here right now; please try again later."
	InternalMessage    = "The session could not be saved."
)

// Retry-After values PlainError sends with its 503s, in seconds.
const (
	RetryFull        = "60"
	RetryUnavailable = "5"
)

// PlainError is the default Config.Error, for standalone use: a plain-text
// answer with the status (and, for a 503, the Retry-After) err calls for.
// An application with its own error pages passes its own Config.Error.
func PlainError(w http.ResponseWriter, _ *http.Request, err error) {
	status, msg := http.StatusInternalServerError, InternalMessage
	switch {
	case errors.Is(err, ErrInterrupted):
		status, msg = http.StatusBadRequest, InterruptedMessage
	case errors.Is(err, ErrTooLarge):
		status, msg = http.StatusBadRequest, TooLargeMessage
	case errors.Is(err, ErrNotAdmitted):
		status, msg = http.StatusTooManyRequests, NotAdmittedMessage
	case errors.Is(err, ErrFull):
		status, msg = http.StatusServiceUnavailable, FullMessage
		w.Header().Set("Retry-After", RetryFull)
	case errors.Is(err, ErrUnavailable):
		status, msg = http.StatusServiceUnavailable, UnavailableMessage
		w.Header().Set("Retry-After", RetryUnavailable)
	}
	http.Error(w, msg, status)
}

// storeErr marks a store failure outside the contract's own errors as
// ErrUnavailable, so the answer is "try again" rather than "bug".
func storeErr(err error) error {
	switch {
	case err == nil, errors.Is(err, ErrNotFound), errors.Is(err, ErrExpired), errors.Is(err, ErrExists),
		errors.Is(err, ErrFull), errors.Is(err, ErrUnavailable), errors.Is(err, ErrTooLarge), errors.Is(err, ErrNotAdmitted):
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}
