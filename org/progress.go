package org

import (
	"fmt"
	"sync"
	"time"
)

// progress reports a long scan's advance on stderr: a live line on a terminal, a plain log
// line every few seconds elsewhere (CI), nothing without a writer (--quiet).
type progress struct {
	o         Options
	requests  func() (rest, graphql int)
	remaining func() int
	startT    time.Time

	mu          sync.Mutex
	done, total int
	listed      int
	stopc       chan struct{}
	wg          sync.WaitGroup
}

func newProgress(o Options, requests func() (int, int), remaining func() int) *progress {
	return &progress{o: o, requests: requests, remaining: remaining}
}

func (p *progress) start() {
	p.startT = time.Now()
	if p.o.Progress == nil {
		return
	}
	every := p.o.ProgressInterval
	if every <= 0 {
		every = 5 * time.Second
		if p.o.Terminal {
			every = 250 * time.Millisecond
		}
	}
	p.stopc = make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stopc:
				return
			case <-t.C:
				p.print(false)
			}
		}
	}()
}

func (p *progress) stop() {
	if p.stopc == nil {
		return
	}
	close(p.stopc)
	p.wg.Wait()
	p.print(true)
}

func (p *progress) setTotal(n int) {
	p.mu.Lock()
	p.total = max(n, p.listed)
	p.mu.Unlock()
}

func (p *progress) addListed() {
	p.mu.Lock()
	p.listed++
	p.total = max(p.total, p.listed)
	p.mu.Unlock()
}

func (p *progress) repoDone() {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
}

// line is the progress text: done of total, requests, points left, time left.
func (p *progress) line() string {
	p.mu.Lock()
	done, total := p.done, p.total
	p.mu.Unlock()
	rest, gql := p.requests()
	el := time.Since(p.startT)
	eta := "?"
	if done > 0 && total > done {
		eta = (time.Duration(float64(el) / float64(done) * float64(total-done))).Round(time.Second).String()
	} else if total > 0 && done >= total {
		eta = "0s"
	}
	rem := "?"
	if r := p.remaining(); r >= 0 {
		rem = fmt.Sprint(r)
	}
	return fmt.Sprintf("rampart org %s: %d/%d repositories, %d GraphQL + %d REST requests, %s GraphQL points left, about %s left",
		p.o.Org, done, total, gql, rest, rem, eta)
}

func (p *progress) print(final bool) {
	l := p.line()
	if p.o.Terminal {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.o.Progress, "\r\x1b[K%s%s", l, end)
		return
	}
	fmt.Fprintln(p.o.Progress, l)
}
