package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// onRow binds a control in a list row to the row's key.
//
// When a list re-renders, go-app re-uses its elements by position and keeps
// an element's event handler as long as the handler's code and scope are
// unchanged. A closure over a row's data therefore keeps acting on
// whichever row first took that position: after an insert, a reorder, a
// filter or a refresh, a click lands on another row, or on an old copy of
// the same one. onRow returns the handler and its scope for an OnClick (or
// any On...): the scope is the action and the key, so the handler is
// replaced whenever another row (or another action) takes the position, and
// h gets only the key. h must look up what it needs by the key when it runs
// (never use a value captured at render time).
//
//	app.Button().Text("Open").OnClick(onRow("open", s.ID, p.openID))
func onRow[K comparable](action string, key K, h func(ctx app.Context, key K)) (app.EventHandler, app.EventOption) {
	return func(ctx app.Context, e app.Event) { h(ctx, key) }, app.EventScope("row", action, key)
}
