// Command bench-graphql is the Go half of scripts/bench-graphql.sh: it
// builds the synthetic benchmark store, picks the entities the queries ask
// about, and measures the queries in-process (the store call alone, and the
// GraphQL executor without HTTP) so that wrk's HTTP numbers can be read as
// ratios.
//
//	bench-graphql synth  -db DIR [-entities N -relations M]
//	bench-graphql pick   -db DIR
//	bench-graphql inproc -db DIR -mid ID -far ID [-duration 5s]
//	bench-graphql floor  -answer FILE [-addr 127.0.0.1:0]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"

	"kg/graph"
	"kg/graph/badgerstore"
	"kg/graph/synth"
	"kg/schema"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench-graphql synth|pick|inproc|floor [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "synth":
		err = runSynth(ctx, os.Args[2:])
	case "pick":
		err = runPick(ctx, os.Args[2:])
	case "inproc":
		err = runInproc(ctx, os.Args[2:])
	case "floor":
		err = runFloor(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-graphql:", err)
		os.Exit(1)
	}
}

// runSynth builds the synthetic store in dir unless a complete one is there.
func runSynth(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("synth", flag.ExitOnError)
	db := fs.String("db", "", "store directory")
	cfg := synth.Big
	fs.IntVar(&cfg.Entities, "entities", cfg.Entities, "entities")
	fs.IntVar(&cfg.Relations, "relations", cfg.Relations, "relations")
	fs.IntVar(&cfg.Docs, "docs", cfg.Docs, "documents")
	fs.Parse(args)
	if st, err := badgerstore.Open(*db, badgerstore.Options{ReadOnly: true}); err == nil {
		s, err := st.Stats(ctx)
		st.Close()
		if err == nil && s.Entities == int64(cfg.Entities) && s.Relations == int64(cfg.Relations) {
			fmt.Fprintf(os.Stderr, "reusing the synthetic store in %s\n", *db)
			return nil
		}
	}
	if err := os.RemoveAll(*db); err != nil {
		return err
	}
	st, err := badgerstore.Open(*db, badgerstore.Options{})
	if err != nil {
		return err
	}
	t0 := time.Now()
	err = st.BulkLoad(ctx, func(yield func(*graph.Contribution) error) error { return synth.Generate(ctx, cfg, yield) })
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "built %d entities, %d relations in %s\n", cfg.Entities, cfg.Relations, time.Since(t0).Round(time.Second))
	return nil
}

type picked struct {
	MidID, MidName, FarID, FarName string
	MidDegree                      int64
}

// runPick prints an entity of 10 to 50 relations, the kind an analyst
// looks at, and one two or three relations away from it, as JSON.
func runPick(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pick", flag.ExitOnError)
	db := fs.String("db", "", "store directory")
	fs.Parse(args)
	st, err := badgerstore.Open(*db, badgerstore.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	var p picked
	found := errors.New("found")
	err = st.EachEntity(ctx, func(e *graph.Entity) error {
		if e.Degree >= 10 && e.Degree <= 50 {
			p.MidID, p.MidName, p.MidDegree = e.ID, e.Name, e.Degree
			return found
		}
		return nil
	})
	if err != found {
		return fmt.Errorf("no entity with 10 to 50 relations (%v)", err)
	}
	sg, err := st.Neighbors(ctx, p.MidID, graph.NeighborQuery{Depth: 2, Limit: 200})
	if err != nil {
		return err
	}
	far := sg.Nodes[len(sg.Nodes)-1]
	p.FarID, p.FarName = far.ID, far.Name
	return json.NewEncoder(os.Stdout).Encode(p)
}

// runInproc measures each query's store call and the GraphQL executor at
// 1 and 32 concurrent callers, and prints a markdown table.
func runInproc(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("inproc", flag.ExitOnError)
	db := fs.String("db", "", "store directory")
	mid := fs.String("mid", "", "entity ID or name for entity and neighbors")
	far := fs.String("far", "", "entity ID or name at the end of path")
	dur := fs.Duration("duration", 5*time.Second, "time per measurement")
	fs.Parse(args)
	st, err := badgerstore.Open(*db, badgerstore.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	ref := func(s string) (*graph.Entity, error) {
		if e, err := st.Entity(ctx, s); err == nil {
			return e, nil
		}
		es, err := st.EntitiesByName(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("entity %q: %w", s, err)
		}
		return &es[0], nil
	}
	m, err := ref(*mid)
	if err != nil {
		return err
	}
	f, err := ref(*far)
	if err != nil {
		return err
	}
	x, err := schema.NewExecutor(st)
	if err != nil {
		return err
	}
	type query struct {
		name  string
		gql   string
		vars  map[string]any
		store func(context.Context) error
	}
	queries := []query{
		{"entity(name:)", `query($n: String!) { entity(name: $n) { id name type mentionCount degree } }`, map[string]any{"n": m.Name},
			func(ctx context.Context) error { _, err := st.EntitiesByName(ctx, m.Name); return err }},
		{"neighbors(depth:1)", neighborsQuery, map[string]any{"id": m.ID, "d": 1},
			func(ctx context.Context) error {
				_, err := st.Neighbors(ctx, m.ID, graph.NeighborQuery{Depth: 1, Limit: 50})
				return err
			}},
		{"neighbors(depth:2)", neighborsQuery, map[string]any{"id": m.ID, "d": 2},
			func(ctx context.Context) error {
				_, err := st.Neighbors(ctx, m.ID, graph.NeighborQuery{Depth: 2, Limit: 50})
				return err
			}},
		{"path", `query($a: ID!, $b: ID!) { path(from: $a, to: $b) { length nodes { id name } relations { type } } }`, map[string]any{"a": m.ID, "b": f.ID},
			func(ctx context.Context) error {
				_, err := st.ShortestPath(ctx, m.ID, f.ID, graph.PathQuery{})
				return err
			}},
	}
	fmt.Println("| query | callers | store req/s | store p50 | store p99 | store CPU/op | GraphQL req/s | GraphQL p50 | GraphQL p99 | GraphQL CPU/op | GraphQL/store CPU |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, q := range queries {
		for _, conc := range []int{1, 32} {
			s := measure(ctx, conc, *dur, q.store)
			g := measure(ctx, conc, *dur, func(ctx context.Context) error {
				resp := x.Do(ctx, schema.Request{Query: q.gql, Variables: q.vars}, schema.ReadOnly)
				if len(resp.Errors) > 0 {
					return fmt.Errorf("%s", resp.Errors[0].Message)
				}
				_, err := json.Marshal(resp)
				return err
			})
			if s.err != nil || g.err != nil {
				return fmt.Errorf("%s: %v %v", q.name, s.err, g.err)
			}
			fmt.Printf("| %s | %d | %.0f | %s | %s | %s | %.0f | %s | %s | %s | %.2f |\n", q.name, conc,
				s.rps, ms(s.p50), ms(s.p99), cpuMS(s.cpu), g.rps, ms(g.p50), ms(g.p99), cpuMS(g.cpu), float64(g.cpu)/float64(s.cpu))
		}
	}
	return nil
}

const neighborsQuery = `query($id: ID!, $d: Int) { neighbors(id: $id, depth: $d, first: 50) { nodes { id name type } relations { type weight from { id } to { id } } } }`

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/1e6) }

// cpuMS is ms with microseconds: CPU per operation is often a few of them.
func cpuMS(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d)/1e6) }

type result struct {
	rps      float64
	p50, p99 time.Duration
	cpu      time.Duration // process CPU time per call, user and system
	err      error
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure calls fn from conc goroutines for about dur and reports the
// throughput and latency percentiles.
func measure(ctx context.Context, conc int, dur time.Duration, fn func(context.Context) error) result {
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	deadline := time.Now().Add(dur)
	start := time.Now()
	cpu0 := cpuTime()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				if err := fn(ctx); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	if firstErr != nil || len(lat) == 0 {
		return result{err: fmt.Errorf("no measurement: %v", firstErr)}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return result{
		rps: float64(len(lat)) / elapsed.Seconds(),
		p50: lat[len(lat)/2],
		p99: lat[min(len(lat)-1, len(lat)*99/100)],
		cpu: cpu / time.Duration(len(lat)),
	}
}

// runFloor serves POST /graphql with net/http and nothing else: it decodes
// the JSON request as a GraphQL server must and writes a fixed answer (kg's
// own answer to the query, read from a file). What it costs per request is
// the floor under any Go GraphQL server's overhead: kg serve's CPU per
// request is read against it.
func runFloor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("floor", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	answerFile := fs.String("answer", "", "file holding the answer to write")
	fs.Parse(args)
	answer, err := os.ReadFile(*answerFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&req); err != nil || req.Query == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	})
	srv := &http.Server{Handler: mux}
	fmt.Fprintf(os.Stderr, "floor: listening on http://%s/graphql\n", ln.Addr())
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
