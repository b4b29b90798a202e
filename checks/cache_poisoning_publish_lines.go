package checks

// pcPublishCommands is pcCommandsWhere(script, pcMayPublishLine): the commands of the lines
// (continuations joined) that hold a word of pcGateWords or a byte beyond ASCII. It finds those
// places in the whole script with pcGateNext, eight bytes at a time, and splits only the lines
// that hold one; the lines before are passed over by their line breaks. Testing each line
// instead (pcGate, then a byte-wise look for non-ASCII) cost about as much as the commands of
// the few lines kept.
//
// A word of pcGateWords holds no line break, backslash or space, so it is in a joined line where
// it is in one of the script's lines that it joins, and the line has no other.
func pcPublishCommands(script string) []pcCmd {
	var out []pcCmd
	hit := pcGateNext(script, 0, true)
	for i := 0; hit >= 0; {
		end := pcLineEnd(script, i)
		if hit < end {
			first, line, _ := pcJoinedLine(script, i)
			out = pcLineCommands(out, first, line)
			hit = pcGateNext(script, end, true)
		}
		i = end
	}
	return out
}

// pcLineEnd returns where the line after the one at script[i] starts, as pcJoinedLine does,
// without joining the lines.
func pcLineEnd(script string, i int) int {
	for {
		line, next := pcRawLine(script, i)
		if next > len(script) || len(line) == 0 || line[len(line)-1] != '\\' {
			return next
		}
		i = next
	}
}
