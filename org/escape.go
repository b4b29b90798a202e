package org

import "github.com/rampart-sec/rampart/render"

// Every repository-derived string of org.md and the dashboard issue goes through render's
// markdown escaping: one set of rules for every markdown rampart writes.

func mdText(s string) string          { return render.MarkdownText(s) }
func mdCode(s string) string          { return render.MarkdownCode(s) }
func mdRich(s string) string          { return render.MarkdownRich(s) }
func truncate(s string, n int) string { return render.Truncate(s, n) }
