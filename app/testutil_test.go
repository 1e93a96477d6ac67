package app

import (
	"regexp"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/faults"
)

func faultSpec(kind, target string) *faults.Spec {
	return &faults.Spec{Kind: faults.Kind(kind), Target: target}
}

// htmlTag and htmlAttr find an element's start tag and its attributes in
// app.HTMLString's output.
var (
	htmlTag  = regexp.MustCompile(`<([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*>`)
	htmlAttr = regexp.MustCompile(`[\w-]+(?:="[^"]*")?`)
)

// canonicalHTML is html with each start tag's attributes sorted: go-app
// writes them in map order, so two renderings of the same tree compare
// equal only so.
func canonicalHTML(html string) string {
	return htmlTag.ReplaceAllStringFunc(html, func(tag string) string {
		m := htmlTag.FindStringSubmatch(tag)
		attrs := htmlAttr.FindAllString(m[2], -1)
		slices.Sort(attrs)
		if len(attrs) == 0 {
			return "<" + m[1] + ">"
		}
		return "<" + m[1] + " " + strings.Join(attrs, " ") + ">"
	})
}
