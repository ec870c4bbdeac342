package schema

import (
	"container/list"
	"sync"
)

// resultCache keeps encoded answers to queries, by query text, operation
// name and variables, within a byte budget (least recently used out first).
// An entry is valid for the generation of the graph it was computed on: the
// executor counts its mutations, and an answer computed before one is never
// served after it. That is sound only when nothing else writes the store,
// which is what a Badger store served by one process guarantees (its
// directory lock keeps other writers out); it is off unless asked for.
type resultCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	ll    *list.List
	items map[string]*list.Element
}

type cached struct {
	key  string
	gen  uint64
	body []byte
}

func newResultCache(maxBytes int64) *resultCache {
	return &resultCache{max: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *resultCache) get(key string, gen uint64) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	e := el.Value.(*cached)
	if e.gen != gen {
		c.remove(el)
		return nil
	}
	c.ll.MoveToFront(el)
	return e.body
}

func (c *resultCache) put(key string, gen uint64, body []byte) {
	cost := int64(len(body) + len(key))
	if cost > c.max/16 {
		return // one answer may not take over the cache
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.remove(el)
	}
	c.items[key] = c.ll.PushFront(&cached{key: key, gen: gen, body: body})
	c.size += cost
	for c.size > c.max {
		c.remove(c.ll.Back())
	}
}

func (c *resultCache) remove(el *list.Element) {
	e := el.Value.(*cached)
	c.ll.Remove(el)
	delete(c.items, e.key)
	c.size -= int64(len(e.body) + len(e.key))
}
