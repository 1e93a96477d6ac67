package inventory

// Feed is one cable that reaches an element: the PDU (or TOR) index, the
// port on it, and the connector on the far element. The shipped files are
// not uniform (a blade may hang off several ports, on connector 0 or 1, or
// another number), so the simulation routes by (type, id) and treats an
// element as powered (connected) if any enabled feed (link) is live.
type Feed struct {
	Device    int64 `json:"device"`    // PDU or TOR index
	Port      int64 `json:"port"`      // port index on that device
	Connector int64 `json:"connector"` // Hardware.Port on the far element
}

// PowerFeeds lists the wired PDU ports cabled to the blade, ordered by PDU
// index then port index. Disabled PDUs are included: whether a feed is live
// is the simulation's business.
func (k *Rack) PowerFeeds(blade int64) []Feed { return k.PowerFeedsTo(HwBlade, blade) }

// NetworkLinks lists the wired TOR ports cabled to the blade, ordered by TOR
// index then port index.
func (k *Rack) NetworkLinks(blade int64) []Feed { return k.NetworkLinksTo(HwBlade, blade) }

// PowerFeedsTo lists the wired PDU ports cabled to any element (a blade, or
// a TOR, which the files also cable to a PDU).
func (k *Rack) PowerFeedsTo(t HwType, id int64) []Feed {
	var out []Feed
	for _, p := range k.PDUs {
		out = appendFeeds(out, p.Index, p.Ports, t, id)
	}
	return out
}

// NetworkLinksTo lists the wired TOR ports cabled to any element.
func (k *Rack) NetworkLinksTo(t HwType, id int64) []Feed {
	var out []Feed
	for _, s := range k.TORs {
		out = appendFeeds(out, s.Index, s.Ports, t, id)
	}
	return out
}

func appendFeeds(out []Feed, device int64, ports []Port, t HwType, id int64) []Feed {
	for _, p := range ports {
		if p.Wired && p.Item.Type == t && p.Item.ID == id {
			out = append(out, Feed{Device: device, Port: p.Index, Connector: p.Item.Port})
		}
	}
	return out
}
