//go:build js && wasm

package idb

import (
	"errors"
	"fmt"
	"strings"
	"syscall/js"

	"github.com/cloudchamber/cloudchamber/app/storage"
	indexeddb "github.com/hack-pad/go-indexeddb/idb"
)

// storageError maps an IndexedDB failure onto the app's errors: a full
// quota wraps storage.ErrQuota, a connection that is closing or closed wraps
// storage.ErrClosed, and anything else comes back as is. err is a DOMException
// as go-indexeddb returns it, or a js.Error holding one.
func storageError(err error) error {
	switch {
	case err == nil:
		return nil
	case domName(err) == "QuotaExceededError":
		return fmt.Errorf("%w (%s)", storage.ErrQuota, domDetail(err))
	case isClosing(err):
		return fmt.Errorf("%s: %w", domDetail(err), storage.ErrClosed)
	}
	return err
}

// isClosing reports the errors of a connection closed under a transaction:
// Chrome's "The database connection is closing." and the AbortError or
// UnknownError of transactions a forced close cut short.
func isClosing(err error) bool {
	if !isDOMError(err) {
		return false
	}
	msg := strings.ToLower(domDetail(err))
	for _, s := range []string{"connection is closing", "connection was closed", "connection is closed", "closed database"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func isDOMError(err error) bool { return domName(err) != "" }

// domName and domDetail read the DOMException in err. go-indexeddb gives
// two forms: the exceptions of failed requests and transactions as its
// DOMException ("name: message"), and synchronous throws as a js.Error
// (wrapped by safejs, and printed without the name), e.g. the
// InvalidStateError of db.transaction() on a closing connection.

// domName is the name of the DOMException err holds ("QuotaExceededError"),
// or "".
func domName(err error) string {
	var de indexeddb.DOMException
	if errors.As(err, &de) {
		name, _, _ := strings.Cut(de.Error(), ": ") // the only way to its name
		return name
	}
	var je js.Error
	if errors.As(err, &je) && je.Value.Type() == js.TypeObject {
		if n := je.Value.Get("name"); n.Type() == js.TypeString {
			return n.String()
		}
	}
	return ""
}

// domDetail is "name: message" of the DOMException in err, or err's text.
func domDetail(err error) string {
	var de indexeddb.DOMException
	if errors.As(err, &de) {
		return de.Error()
	}
	var je js.Error
	if name := domName(err); name != "" && errors.As(err, &je) {
		if m := je.Value.Get("message"); m.Type() == js.TypeString {
			return name + ": " + m.String()
		}
		return name
	}
	return err.Error()
}
