//go:build !js

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// generateStatic writes the whole site into dir so that any plain static
// file server can host it: go-app's pages and PWA files, then the web
// directory (app.wasm, icons, styles), which go-app leaves to us.
// robots.txt also goes to the root, where crawlers look for it.
func generateStatic(dir string, s *site) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := app.GenerateStaticWebsite(dir, s.app); err != nil {
		return fmt.Errorf("generating static site: %w", err)
	}
	src := s.web.dir
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, "web", rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if d.Name()[0] == '.' {
			return nil
		}
		return copyFile(p, dst)
	})
	if err != nil {
		return fmt.Errorf("copying web directory: %w", err)
	}
	return copyFile(filepath.Join(src, "robots.txt"), filepath.Join(dir, "robots.txt"))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
