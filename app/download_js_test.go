//go:build js

package app

import (
	"bytes"
	"errors"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

// TestReadPiecesReadsAFileInPieces: a file is read pieceBytes at a time,
// its pieces joined are its bytes, pace comes after every piece, and
// pace's error stops the reading.
func TestReadPiecesReadsAFileInPieces(t *testing.T) {
	data := make([]byte, 2*pieceBytes+pieceBytes/2)
	for i := range data {
		data[i] = byte(i * 7)
	}
	arr := app.Window().Get("Uint8Array").New(len(data))
	app.CopyBytesToJS(arr, data)
	blob := app.Window().Get("Blob").New([]any{arr})

	paces := 0
	pieces, err := readPieces(blob, func() error { paces++; return nil })
	require.NoError(t, err)
	require.Len(t, pieces, 3)
	require.Len(t, pieces[0], pieceBytes)
	require.Equal(t, data, bytes.Join(pieces, nil))
	require.Equal(t, 3, paces)

	stop := errors.New("stop")
	pieces, err = readPieces(blob, func() error { return stop })
	require.Same(t, stop, err)
	require.Nil(t, pieces)

	pieces, err = readPieces(app.Window().Get("Blob").New([]any{}), func() error { return stop })
	require.NoError(t, err, "an empty file has no piece, and no pace")
	require.Empty(t, pieces)
}
