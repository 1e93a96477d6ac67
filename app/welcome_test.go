package app

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

func TestFirstSentence(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"empty", "", 40, ""},
		{"one sentence", "Blade 6 of rack 4 fails at tick 100.", 40, "Blade 6 of rack 4 fails at tick 100."},
		{"first of two", "Blade 6 fails at tick 100. Watch the monitor.", 40, "Blade 6 fails at tick 100."},
		{"decimal point kept", "MTBF 1.5 ticks. Then more.", 40, "MTBF 1.5 ticks."},
		{"cut to max", "abcdefghij klmnop", 10, "abcdefghi…"},
		{"cut trims a comma", "abcdefgh, ijklmnop", 10, "abcdefgh…"},
		{"runes, not bytes", "ééééééééééé", 10, "ééééééééé…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, firstSentence(tc.in, tc.max))
		})
	}
}

// The guide offers every built-in scenario, each with a summary of its story.
func TestBuiltinStories(t *testing.T) {
	stories := builtinStories()
	require.Len(t, stories, len(scenario.Builtins()))
	for i, st := range stories {
		require.Equal(t, scenario.Builtins()[i], st.name)
		require.NotEmpty(t, st.summary, st.name)
		require.LessOrEqual(t, len([]rune(st.summary)), storySummaryMax, st.name)
	}
}

// ? and Esc show and hide the guide; keys typed into a field are the field's.
func TestKeysToggleTheGuide(t *testing.T) {
	s := &Shell{}
	for _, step := range []struct {
		key     string
		inField bool
		used    bool
		shown   bool
	}{
		{"?", false, true, true},
		{"?", true, false, true},
		{"Escape", false, true, false},
		{"Escape", false, false, false},
		{"?", false, true, true},
		{"?", false, true, false},
	} {
		require.Equal(t, step.used, s.onKey(step.key, false, step.inField), "key %q", step.key)
		require.Equal(t, step.shown, s.help, "after %q", step.key)
	}
}

// The story is measured again when the window is resized (go-app calls a
// Resizer's OnResize), not only when drawn: whether Read all is offered
// follows the window's width.
func TestStoryMeasuresOnResize(t *testing.T) {
	var s any = &Story{}
	_, ok := s.(app.Resizer)
	require.True(t, ok)
}
