package schema

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"kg/graph"
)

// Handler serves GraphQL over HTTP:
//
//	POST /graphql   JSON body {query, variables, operationName}, or an
//	                array of them (a batch, at most Limits.MaxBatch);
//	                Content-Type application/graphql sends the bare query
//	GET  /graphql   ?query=&variables=&operationName= (queries only), or
//	                the query page when a browser asks for text/html
//	GET  /          the query page
//	GET  /healthz   200 {"status":"ok"}
//
// Refusals are JSON GraphQL errors with extensions.code and a 4xx status:
// 400 malformed or over a limit, 401 mutation without a valid token, 403
// mutations disabled, 405 wrong method, 413 body too large, 415 wrong
// content type. A request that ran answers 200, with field errors if any.
type Handler struct {
	x      *Executor
	cfg    *config
	tokenH [sha256.Size]byte
	cache  *resultCache // nil without WithResultCache
	routes map[string]http.Handler
}

// Mount serves x at path (an exact path such as "/export") behind the same
// CORS allow-list and panic guard as the GraphQL endpoint. Call it before
// serving.
func (h *Handler) Mount(path string, x http.Handler) {
	if h.routes == nil {
		h.routes = map[string]http.Handler{}
	}
	h.routes[path] = x
}

// NewHandler builds the schema over r and an HTTP handler serving it.
func NewHandler(r graph.Reader, opts ...Option) (*Handler, error) {
	x, err := NewExecutor(r, opts...)
	if err != nil {
		return nil, err
	}
	return HandlerFor(x), nil
}

// HandlerFor returns a handler serving an existing executor.
func HandlerFor(x *Executor) *Handler {
	h := &Handler{x: x, cfg: x.cfg}
	if x.cfg.token != "" {
		h.tokenH = sha256.Sum256([]byte(x.cfg.token))
	}
	if x.cfg.cache > 0 {
		h.cache = newResultCache(x.cfg.cache)
	}
	return h
}

// Executor returns the handler's executor.
func (h *Handler) Executor() *Executor { return h.x }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			h.cfg.logger.Error("graphql handler panic", "panic", fmt.Sprint(v), "path", r.URL.Path)
			writeJSON(w, http.StatusInternalServerError, refusal(0, errorf(CodeInternal, "internal error")))
		}
	}()
	if h.cors(w, r) {
		return
	}
	switch r.URL.Path {
	case "/graphql", "/graphql/":
		h.serveGraphQL(w, r)
	case "/healthz":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.refuse(w, r, http.StatusMethodNotAllowed, errorf(CodeBadInput, "use GET"))
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case "/":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.refuse(w, r, http.StatusMethodNotAllowed, errorf(CodeBadInput, "use GET"))
			return
		}
		servePage(w)
	default:
		if x, ok := h.routes[r.URL.Path]; ok {
			x.ServeHTTP(w, r)
			return
		}
		h.refuse(w, r, http.StatusNotFound, errorf(CodeNotFound, "no such path %q: the API is at /graphql", r.URL.Path))
	}
}

func (h *Handler) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q := r.URL.Query()
		if !q.Has("query") && acceptsHTML(r) {
			servePage(w)
			return
		}
		req := Request{Query: q.Get("query"), OperationName: q.Get("operationName")}
		if v := q.Get("variables"); v != "" {
			vars, err := decodeVariables(json.RawMessage(v))
			if err != nil {
				h.refuse(w, r, http.StatusBadRequest, err)
				return
			}
			req.Variables = vars
		}
		h.do(w, r, req, QueryOnly)
	case http.MethodPost:
		h.servePost(w, r)
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		h.refuse(w, r, http.StatusMethodNotAllowed, errorf(CodeBadInput, "method %s not allowed: use GET or POST", r.Method))
	}
}

func (h *Handler) servePost(w http.ResponseWriter, r *http.Request) {
	lim := h.cfg.limits
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "" && ct != "application/json" && ct != "application/graphql" {
		h.refuse(w, r, http.StatusUnsupportedMediaType, errorf(CodeBadInput, "content type %q: send application/json", ct))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, lim.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.refuse(w, r, http.StatusRequestEntityTooLarge, errorf(CodeLimit, "request body is larger than %d bytes", lim.MaxBodyBytes))
			return
		}
		h.refuse(w, r, http.StatusBadRequest, errorf(CodeBadInput, "reading the request body: %v", err))
		return
	}
	access := h.access(r)
	if ct == "application/graphql" {
		h.respond(w, r, h.x.Do(r.Context(), Request{Query: string(body)}, access))
		return
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			h.refuse(w, r, http.StatusBadRequest, errorf(CodeBadInput, "malformed JSON batch: %v", err))
			return
		}
		if len(raw) == 0 {
			h.refuse(w, r, http.StatusBadRequest, errorf(CodeBadInput, "empty batch"))
			return
		}
		if len(raw) > lim.MaxBatch {
			h.refuse(w, r, http.StatusBadRequest, errorf(CodeLimit, "a batch holds at most %d operations, got %d", lim.MaxBatch, len(raw)))
			return
		}
		out := make([]*Response, len(raw))
		for i, m := range raw {
			req, err := decodeRequest(m)
			if err != nil {
				out[i] = refusal(http.StatusBadRequest, err)
				continue
			}
			out[i] = h.x.Do(r.Context(), req, access)
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	req, derr := decodeRequest(trimmed)
	if derr != nil {
		h.refuse(w, r, http.StatusBadRequest, derr)
		return
	}
	h.do(w, r, req, access)
}

// do runs one request and answers it, from the result cache when there is
// one and it holds the answer for the current graph.
func (h *Handler) do(w http.ResponseWriter, r *http.Request, req Request, access Access) {
	if h.cache == nil {
		h.respond(w, r, h.x.Do(r.Context(), req, access))
		return
	}
	vars, err := json.Marshal(req.Variables) // map keys sorted: one key per set of values
	if err != nil {
		h.respond(w, r, h.x.Do(r.Context(), req, access))
		return
	}
	key := req.Query + "\x00" + req.OperationName + "\x00" + string(vars)
	gen := h.x.generation()
	if body := h.cache.get(key, gen); body != nil {
		w.Header().Set("X-Kg-Cache", "hit")
		writeBody(w, http.StatusOK, body)
		return
	}
	res := h.x.Do(r.Context(), req, access)
	if !res.query || res.Status != http.StatusOK || len(res.Errors) > 0 {
		h.respond(w, r, res)
		return
	}
	body, err := res.appendJSON(make([]byte, 0, res.sizeHint()))
	if err != nil {
		h.respond(w, r, res)
		return
	}
	h.cache.put(key, gen, body)
	w.Header().Set("X-Kg-Cache", "miss")
	writeBody(w, http.StatusOK, body)
}

// access decides what a POST may do. The token is compared through its
// SHA-256 in constant time, so neither its content nor its length leaks
// through timing.
func (h *Handler) access(r *http.Request) Access {
	if h.cfg.token == "" {
		return ReadOnly
	}
	auth := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return Unauthenticated
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(auth[len(prefix):])))
	if subtle.ConstantTimeCompare(got[:], h.tokenH[:]) == 1 {
		return ReadWrite
	}
	return Unauthenticated
}

type wireRequest struct {
	Query         *string         `json:"query"`
	Variables     json.RawMessage `json:"variables"`
	OperationName *string         `json:"operationName"`
}

func decodeRequest(b []byte) (Request, *Error) {
	var wr wireRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&wr); err != nil {
		return Request{}, errorf(CodeBadInput, "malformed JSON request: %v", err)
	}
	if dec.More() {
		return Request{}, errorf(CodeBadInput, "malformed JSON request: data after the object")
	}
	if wr.Query == nil {
		return Request{}, errorf(CodeBadInput, "the request has no query")
	}
	req := Request{Query: *wr.Query}
	if wr.OperationName != nil {
		req.OperationName = *wr.OperationName
	}
	vars, err := decodeVariables(wr.Variables)
	if err != nil {
		return Request{}, err
	}
	req.Variables = vars
	return req, nil
}

// decodeVariables accepts an object, null, or (as some clients send) a
// string holding an object.
func decodeVariables(raw json.RawMessage) (map[string]any, *Error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errorf(CodeBadInput, "malformed variables: %v", err)
		}
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
		raw = json.RawMessage(s)
	}
	var vars map[string]any
	if err := json.Unmarshal(raw, &vars); err != nil {
		return nil, errorf(CodeBadInput, "variables must be a JSON object: %v", err)
	}
	return vars, nil
}

func (h *Handler) respond(w http.ResponseWriter, r *http.Request, res *Response) {
	if res.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kg"`)
	}
	if res.Status == http.StatusMethodNotAllowed && w.Header().Get("Allow") == "" {
		w.Header().Set("Allow", "POST") // a mutation sent with GET
	}
	if res.Status >= 400 {
		h.logRefusal(r, res.Status, res)
	}
	writeJSON(w, res.Status, res)
}

func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, status int, err *Error) {
	h.respond(w, r, refusal(status, err))
}

func (h *Handler) logRefusal(r *http.Request, status int, res *Response) {
	msg := ""
	if len(res.Errors) > 0 {
		msg = res.Errors[0].Message
	}
	h.cfg.logger.Info("graphql request refused", "method", r.Method, "path", r.URL.Path, "status", status, "error", msg)
}

// writeJSON writes v with a status. Responses are encoded by their own
// appendJSON: going through encoding/json would validate and re-compact
// their pre-encoded parts.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	var err error
	switch x := v.(type) {
	case *Response:
		body, err = x.appendJSON(make([]byte, 0, x.sizeHint()))
	case []*Response:
		body = append(make([]byte, 0, 1024), '[')
		for i, r := range x {
			if i > 0 {
				body = append(body, ',')
			}
			if body, err = r.appendJSON(body); err != nil {
				break
			}
		}
		body = append(body, ']')
	default:
		body, err = json.Marshal(v)
	}
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"errors":[{"message":"encoding the response failed","extensions":{"code":"INTERNAL"}}]}`)
	}
	writeBody(w, status, body)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body)
	w.Write([]byte{'\n'})
}

func acceptsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// cors applies the origin allow-list. It reports whether it answered the
// request itself (a preflight).
func (h *Handler) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if origin == "" || len(h.cfg.origins) == 0 {
		if r.Method == http.MethodOptions {
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
			return true
		}
		return false
	}
	w.Header().Add("Vary", "Origin")
	allowed := slices.Contains(h.cfg.origins, "*") || slices.Contains(h.cfg.origins, origin)
	if allowed {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
	if !preflight {
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return true
		}
		return false
	}
	if !allowed {
		h.refuse(w, r, http.StatusForbidden, errorf(CodeForbidden, "origin %q is not allowed", origin))
		return true
	}
	w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}

var _ http.Handler = (*Handler)(nil)
