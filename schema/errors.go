package schema

import (
	"context"
	"errors"
	"fmt"

	"kg/graph"
)

// Error codes carried in a GraphQL error's extensions.code, so that clients
// can branch on the kind of failure instead of parsing messages.
const (
	// CodeBadInput: the request is malformed (JSON, GraphQL syntax,
	// validation, an argument out of its domain).
	CodeBadInput = "BAD_INPUT"
	// CodeNotFound: an entity, document or relation named by the request
	// does not exist.
	CodeNotFound = "NOT_FOUND"
	// CodeLimit: the request exceeds a limit of the service (depth, cost,
	// size, time, batch).
	CodeLimit = "LIMIT"
	// CodeUnauthenticated: a mutation without a valid bearer token.
	CodeUnauthenticated = "UNAUTHENTICATED"
	// CodeForbidden: mutations on a server started without a token, or
	// over GET.
	CodeForbidden = "FORBIDDEN"
	// CodeInternal: the store failed; the request may succeed later.
	CodeInternal = "INTERNAL"
)

// Error is a failure with an extensions code. graphql-go copies the result
// of Extensions into the error it reports to the client.
type Error struct {
	Code string
	Msg  string
	Err  error // the cause, if any
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Extensions implements gqlerrors.ExtendedError.
func (e *Error) Extensions() map[string]any { return map[string]any{"code": e.Code} }

func errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// coded turns an error from the store or the context into an *Error with the
// code a client needs. graphql-go looks for the extensions on the error
// itself, not through Unwrap, so every resolver returns coded(err).
func coded(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		if e == err {
			return err
		}
		return &Error{Code: e.Code, Msg: err.Error(), Err: err}
	}
	code := CodeInternal
	switch {
	case errors.Is(err, graph.ErrNotFound):
		code = CodeNotFound
	case errors.Is(err, graph.ErrInvalid):
		code = CodeBadInput
	case errors.Is(err, graph.ErrLimit), errors.Is(err, context.DeadlineExceeded):
		code = CodeLimit
	case errors.Is(err, context.Canceled):
		code = CodeLimit
	}
	return &Error{Code: code, Msg: err.Error(), Err: err}
}
