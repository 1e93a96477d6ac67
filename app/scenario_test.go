//go:build !(js && wasm)

package app

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The YAML export is the running inventory, and reads back.
func TestInventoryYAMLRoundTrip(t *testing.T) {
	c := newC(t, "blade-failure")
	data, err := c.InventoryYAML()
	require.NoError(t, err)
	def, err := inventory.Parse("blade-failure.yaml", data)
	require.NoError(t, err)
	assert.Equal(t, c.World().Definition().Counts(), def.Counts())
	require.NoError(t, c.Import("again.yaml", data))
	assert.Equal(t, "again", c.Base().Name)
	assert.Equal(t, 64, c.World().Hardware().NumBlades())
}

// While an import runs, an inventory's or a GPU trace's, every import
// input of the panel is disabled and says why; with none, both are enabled.
func TestImportInputsDisabledWhileAnImportRuns(t *testing.T) {
	c := newC(t, "standard")
	input := func(html, testid string) string {
		m := regexp.MustCompile(`<input[^>]*data-testid="` + testid + `"[^>]*>`).FindString(html)
		require.NotEmpty(t, m, testid)
		return m
	}
	disabled := regexp.MustCompile(` disabled( |>|$)`)
	for _, tc := range []struct {
		name string
		p    *ScenarioPanel
		busy bool
	}{
		{"none", &ScenarioPanel{C: c}, false},
		{"an inventory's", &ScenarioPanel{C: c, Import: &fileImport{job: &importJob{name: "big.yaml"}}}, true},
		{"a GPU trace's being built", &ScenarioPanel{C: c, Trace: &traceImport{importing: "Importing…"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html := app.HTMLString(tc.p)
			for _, id := range []string{"scenario-import", "trace-import"} {
				in := input(html, id)
				require.Equal(t, tc.busy, disabled.MatchString(in), in)
				require.Equal(t, tc.busy, strings.Contains(in, `title="An import is running`), in)
			}
		})
	}
}
