package app

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// A sweep shares as a link (link.EncodeSweep, #s4.…): its spec and its
// scenario. Opened, at load (openSession) or pasted into the running
// page (linkArrived), it fills
// the Sweep tab's form and sets the tab's scenario to the link's, not
// started; the main session is left as it is (a sweep's link is not a
// session's).

// sweepLink is the form's sweep over base as a link fragment (s4.…, no
// "#"), named by base.
func (st *sweepState) sweepLink(base *scenario.Scenario) (string, error) {
	spec, err := st.choice.spec(base.Name, base)
	if err != nil {
		return "", err
	}
	return link.EncodeSweep(spec, base, sim.EngineVersion)
}

// share makes the form's link (origin + "#" + fragment) into shareURL;
// past link.FileAbove characters it is offered as a file instead
// (shareLong). An error is said in shareErr, and nothing else changes.
func (st *sweepState) share(origin string, base *scenario.Scenario) error {
	l, err := st.sweepLink(base)
	st.v++
	if err != nil {
		st.shareErr = "Not shared: " + err.Error()
		return err
	}
	st.shareErr, st.shareURL = "", origin+"#"+l
	st.shareLong = len(st.shareURL) > link.FileAbove
	return nil
}

// open fills the form with a shared sweep's spec, and sets the tab's
// scenario to base (the link's). The results shown and the last sweep
// kept are of another sweep: they are not shown over it. Nothing changes
// while a sweep is under way.
func (st *sweepState) open(spec *sweep.Spec, base *scenario.Scenario) error {
	if st.running() {
		return errors.New("a sweep is under way: cancel it first")
	}
	if _, err := sweep.New(spec, base); err != nil {
		return err
	}
	st.choice, st.base, st.baseWhy = choiceOf(spec), base, "the shared sweep's link"
	st.sum, st.job, st.note = nil, nil, ""
	st.draft, st.addErr = sweepDraft{}, ""
	st.shareURL, st.shareLong, st.shareErr = "", false, ""
	st.restored = true // the last kept sweep is not restored over it
	st.v++
	return nil
}

// openSweepLink opens a sweep's link (#s4.…) in the Sweep tab, not
// started. A link that cannot be opened changes nothing, and says why.
func (s *Shell) openSweepLink(frag string) {
	d, err := link.Decode(frag, sim.EngineVersion)
	other := errors.Is(err, link.ErrOtherEngine)
	if err == nil || other {
		if d.Sweep == nil {
			err = errors.New("it is not a sweep's link")
		} else {
			if s.sweep == nil {
				s.sweep = newSweepState()
				s.sweep.keep = s.keepSweep
			}
			err = s.sweep.open(d.Sweep, d.Scenario)
		}
	}
	if err != nil {
		msg := "The sweep in this link could not be opened, and nothing was changed: " + err.Error()
		if s.c != nil {
			s.c.SetErr(msg) // where a session's link says it
		} else {
			s.notice = msg
		}
		return
	}
	s.tab = "sweep"
	s.notice = fmt.Sprintf("Opened a shared sweep of %s in the Sweep tab, not started: press Run sweep. Your session is as it was.", d.Scenario.Name)
	if other {
		s.notice += " The link was made by another version of the simulation engine: its numbers may differ from the sharer's."
	}
}

// renderShare is the share button (hook sweep-share) and, once pressed,
// the link (hook sweep-share-url), or past link.FileAbove characters the
// offer of the spec as a file.
func (p *SweepPanel) renderShare() app.UI {
	st := p.St
	var out app.UI = app.Text("")
	switch {
	case st.shareErr != "":
		out = app.Span().Class("notice").DataSet("testid", "sweep-share-error").Text(st.shareErr)
	case st.shareLong:
		out = app.Span().Class("share-long").Body(
			app.Text(fmt.Sprintf("This sweep's link is longer than %d characters, too long for some browsers. ", link.FileAbove)),
			app.Button().Type("button").DataSet("testid", "sweep-share-file").Text("Save the sweep as a file instead").OnClick(p.onShareFile),
		)
	case st.shareURL != "":
		out = app.Input().Class("share-link").ReadOnly(true).Value(st.shareURL).DataSet("testid", "sweep-share-url").Aria("label", "Link to this sweep")
	}
	return app.Div().Class("share", "sweep-share").Body(
		app.Button().Type("button").DataSet("testid", "sweep-share").Text("Share this sweep").
			Title("A link that opens this sweep's form, with its scenario, in the Sweep tab (not started)").
			Disabled(p.base() == nil).OnClick(p.onShare),
		out,
	)
}

func (p *SweepPanel) onShare(ctx app.Context, e app.Event) {
	base := p.base()
	if base == nil {
		return
	}
	loc := app.Window().Get("location")
	if p.St.share(loc.Get("origin").String()+loc.Get("pathname").String(), base) != nil || p.St.shareLong {
		return
	}
	if clip := app.Window().Get("navigator").Get("clipboard"); clip.Truthy() {
		clip.Call("writeText", p.St.shareURL)
	}
}

// onShareFile saves the form's sweep as a spec file with its scenario
// inline: what `ccsim sweep SPEC.json` runs.
func (p *SweepPanel) onShareFile(ctx app.Context, e app.Event) {
	base := p.base()
	if base == nil {
		return
	}
	spec, err := p.St.choice.spec(base.Name, base)
	var data []byte
	if err == nil {
		data, err = json.MarshalIndent(spec, "", "  ")
	}
	if err != nil {
		p.St.shareErr = "Not saved: " + err.Error()
		return
	}
	Download("sweep-"+base.Name+".json", "application/json", data)
}
