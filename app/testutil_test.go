package app

import "github.com/cloudchamber/cloudchamber/core/faults"

func faultSpec(kind, target string) *faults.Spec {
	return &faults.Spec{Kind: faults.Kind(kind), Target: target}
}
