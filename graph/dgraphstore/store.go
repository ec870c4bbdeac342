package dgraphstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/dgo/v250"
	"github.com/dgraph-io/dgo/v250/protos/api"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"kg/graph"
)

var _ graph.Store = (*Store)(nil)

// Store is a graph.Store over a Dgraph cluster. It is safe for concurrent use;
// several Stores, in one process or many, may write to one cluster at once.
type Store struct {
	dg    *dgo.Dgraph
	conns []*grpc.ClientConn
	opts  Options

	mu     sync.RWMutex
	closed bool
	// known caches the relation types whose predicate this process has
	// declared, so Apply alters the schema only for new types.
	known map[graph.RelationType]bool
	// wmu serialises this Store's writes, as the graph.Writer contract says;
	// other processes are kept apart by Dgraph's transactions.
	wmu sync.Mutex
	// rtCache is the list of relation types in use, read at rtAt.
	rtCache []graph.RelationType
	rtAt    time.Time
	// conflicts counts transactions Dgraph aborted and the store retried.
	conflicts atomic.Int64
}

// Options tune a Store. The zero value is usable.
type Options struct {
	// Retries bounds how often a write is retried after Dgraph aborts its
	// transaction because a concurrent writer touched the same nodes.
	// 0 means 20.
	Retries int
	// Logger receives retry notices; nil is silent.
	Logger *slog.Logger
	// Timeout bounds each request to the cluster; 0 means two minutes.
	Timeout time.Duration
	// BestEffortReads lets an alpha answer reads at the latest timestamp it
	// knows instead of asking zero for one: a round trip less per read,
	// still one consistent snapshot, but possibly missing writes committed
	// in the last moments (even this Store's own). For serving queries,
	// not for read-after-write.
	BestEffortReads bool
}

// Open connects to the Dgraph alphas at addrs (host:port of their gRPC
// endpoints), applies kg's schema and checks its version. Requests are spread
// over the addresses round robin.
func Open(ctx context.Context, addrs []string, opts Options) (*Store, error) {
	if len(addrs) == 0 {
		return nil, fmt.Errorf("dgraph open: %w: no address", graph.ErrInvalid)
	}
	if opts.Retries <= 0 {
		opts.Retries = 20
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	s := &Store{opts: opts, known: map[graph.RelationType]bool{}}
	clients := make([]api.DgraphClient, 0, len(addrs))
	for _, a := range addrs {
		conn, err := grpc.NewClient(a,
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1<<30), grpc.MaxCallSendMsgSize(1<<30)))
		if err != nil {
			s.closeConns()
			return nil, fmt.Errorf("dgraph open %s: %w", a, err)
		}
		s.conns = append(s.conns, conn)
		clients = append(clients, api.NewDgraphClient(conn))
	}
	s.dg = dgo.NewDgraphClient(clients...)
	if err := s.setup(ctx); err != nil {
		s.closeConns()
		return nil, err
	}
	return s, nil
}

// ParseAddrs splits "host:port,host:port" into addresses.
func ParseAddrs(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// setup applies the schema and checks the version recorded on the cluster.
func (s *Store) setup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if err := s.alter(ctx, baseSchema); err != nil {
		return fmt.Errorf("dgraph open: apply schema: %w", err)
	}
	for attempt := 0; ; attempt++ {
		err := s.checkVersion(ctx)
		if err == nil || !errors.Is(err, dgo.ErrAborted) || attempt >= s.opts.Retries {
			return err
		}
	}
}

func (s *Store) checkVersion(ctx context.Context) error {
	txn := s.dg.NewTxn()
	defer txn.Discard(ctx)
	var out struct {
		Meta []struct {
			UID     string `json:"uid"`
			Version int    `json:"kg.version"`
		} `json:"meta"`
	}
	if err := queryInto(ctx, txn, `{ meta(func: eq(kg.meta, "schema")) { uid kg.version } }`, nil, &out); err != nil {
		return fmt.Errorf("dgraph open: read version: %w", err)
	}
	if len(out.Meta) > 0 {
		if v := out.Meta[0].Version; v != schemaVersion {
			return fmt.Errorf("dgraph open: cluster holds schema version %d, this kg reads %d: %w", v, schemaVersion, graph.ErrVersion)
		}
		return nil
	}
	m := map[string]any{"uid": "_:meta", "dgraph.type": "Meta", "kg.meta": "schema", "kg.version": schemaVersion}
	if err := mutateJSON(ctx, txn, m, nil); err != nil {
		return fmt.Errorf("dgraph open: record version: %w", err)
	}
	if err := txn.Commit(ctx); err != nil {
		return fmt.Errorf("dgraph open: record version: %w", err)
	}
	return nil
}

func (s *Store) alter(ctx context.Context, schema string) error {
	return s.dg.Alter(ctx, &api.Operation{Schema: schema})
}

// DropAll removes every node and the schema from the cluster and applies
// kg's schema again. Tests and `kg migrate --fresh` use it; it is not part of
// graph.Store.
func (s *Store) DropAll(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := s.dg.Alter(ctx, &api.Operation{DropAll: true}); err != nil {
		return fmt.Errorf("dgraph drop all: %w", err)
	}
	s.mu.Lock()
	s.known = map[graph.RelationType]bool{}
	s.rtCache = nil
	s.mu.Unlock()
	return s.setup(ctx)
}

// Close closes the connections. Calls after Close return graph.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.closeConns()
}

func (s *Store) closeConns() error {
	var first error
	for _, c := range s.conns {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	s.conns = nil
	return first
}

func (s *Store) check() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return graph.ErrClosed
	}
	return nil
}

// read runs fn in one read-only transaction, so every query of a call sees
// one snapshot of the graph. A transient failure is retried in a fresh
// transaction, for about five seconds in all.
func (s *Store) read(ctx context.Context, fn func(ctx context.Context, txn *dgo.Txn) error) error {
	if err := s.check(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		txn := s.dg.NewReadOnlyTxn()
		if s.opts.BestEffortReads {
			txn = txn.BestEffort()
		}
		err := fn(ctx, txn)
		txn.Discard(ctx)
		if err == nil || !transient(err) || attempt >= 8 {
			return err
		}
		if err := backoff(ctx, 4*attempt); err != nil {
			return err
		}
	}
}

// queryInto runs a DQL query and decodes its JSON answer into out.
func queryInto(ctx context.Context, txn *dgo.Txn, q string, vars map[string]string, out any) error {
	var resp *api.Response
	var err error
	if len(vars) > 0 {
		resp, err = txn.QueryWithVars(ctx, q, vars)
	} else {
		resp, err = txn.Query(ctx, q)
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return err
	}
	if err := json.Unmarshal(resp.Json, out); err != nil {
		return fmt.Errorf("%w: decode answer: %v", graph.ErrCorrupt, err)
	}
	return nil
}

// mutateJSON sets set and deletes del (either may be nil) in txn, and records
// the uids given to blank nodes in uids when it is not nil.
func mutateJSON(ctx context.Context, txn *dgo.Txn, set, del any, uids ...map[string]string) error {
	mu := &api.Mutation{}
	if set != nil {
		b, err := json.Marshal(set)
		if err != nil {
			return err
		}
		mu.SetJson = b
	}
	if del != nil {
		b, err := json.Marshal(del)
		if err != nil {
			return err
		}
		mu.DeleteJson = b
	}
	resp, err := txn.Mutate(ctx, mu)
	if err != nil {
		return err
	}
	for _, m := range uids {
		for k, v := range resp.Uids {
			m[k] = v
		}
	}
	return nil
}

// mutateCommit sets set in txn and commits it in the same request.
func mutateCommit(ctx context.Context, txn *dgo.Txn, set any) error {
	b, err := json.Marshal(set)
	if err != nil {
		return err
	}
	_, err = txn.Mutate(ctx, &api.Mutation{SetJson: b, CommitNow: true})
	return err
}

// relTypesTTL is how long the list of relation types in use is reused.
// Traversals need it to name the rel.* predicates; a type another process
// adds is seen by this one's traversals at most this much later (its own
// writes refresh the list at once).
const relTypesTTL = 2 * time.Second

// relTypes returns the relation types in use on the cluster, sorted.
func (s *Store) relTypes(ctx context.Context, txn *dgo.Txn) ([]graph.RelationType, error) {
	s.mu.RLock()
	ts, at := s.rtCache, s.rtAt
	s.mu.RUnlock()
	if ts != nil && time.Since(at) < relTypesTTL {
		return ts, nil
	}
	ts, err := s.loadRelTypes(ctx, txn)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.rtCache, s.rtAt = ts, time.Now()
	s.mu.Unlock()
	return ts, nil
}

// forgetRelTypes makes the next traversal read the relation types again.
func (s *Store) forgetRelTypes() {
	s.mu.Lock()
	s.rtCache = nil
	s.mu.Unlock()
}

func (s *Store) loadRelTypes(ctx context.Context, txn *dgo.Txn) ([]graph.RelationType, error) {
	var out struct {
		T []struct {
			Name string `json:"rt.name"`
		} `json:"t"`
	}
	if err := queryInto(ctx, txn, `{ t(func: type(RelType)) { rt.name } }`, nil, &out); err != nil {
		return nil, fmt.Errorf("relation types: %w", err)
	}
	ts := make([]graph.RelationType, 0, len(out.T))
	for _, t := range out.T {
		ts = append(ts, graph.RelationType(t.Name))
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts, nil
}

// dql quotes s as a DQL string literal. DQL and N-Quads share the escapes
// (\" \\ \n \r \t and \uXXXX for other control characters), so this is
// the RDF writer's quote.
func dql(s string) string { return quote(s) }

// dqlList quotes ss as a DQL list of strings: ["a", "b"].
func dqlList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = dql(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// retryable reports whether a write failed only because a concurrent
// transaction won a conflict.
func retryable(err error) bool {
	return errors.Is(err, dgo.ErrAborted)
}

// transient reports whether a request failed for a reason that passes: an
// alpha or zero briefly unreachable (restarting, or starved of CPU), a
// predicate being moved between groups. Apply is idempotent, so a write
// whose outcome is unknown may be sent again.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if st, ok := status.FromError(errors.Unwrap(err)); ok && st.Code() == codes.Unavailable {
		return true
	}
	if st, ok := status.FromError(err); ok && st.Code() == codes.Unavailable {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"no connection exists", "connection refused", "please retry", "is being moved",
		"unavailable", "not serving", "server is not ready", "transport is closing", "unhealthy connection"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// backoff sleeps before retry attempt n (from 1), growing to one second.
func backoff(ctx context.Context, n int) error {
	d := time.Duration(n*n) * 2 * time.Millisecond
	if d > time.Second {
		d = time.Second
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
