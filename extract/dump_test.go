package extract

import (
	"context"
	"fmt"
	"os"
	"testing"

	"kg/graph"
)

// TestDump prints the extraction of the file named by $KG_DUMP, for reading
// output by eye. It is skipped unless the variable is set.
func TestDump(t *testing.T) {
	path := os.Getenv("KG_DUMP")
	if path == "" {
		t.Skip("KG_DUMP not set")
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	x := newTestExtractor(t)
	c, err := x.Extract(context.Background(), graph.Document{ID: "dump", Source: path}, string(text))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, e := range c.Entities {
		names[e.ID()] = e.Name
		fmt.Printf("E\t%s\t%s\t%v\n", e.Type, e.Name, e.Aliases)
	}
	for _, r := range c.Relations {
		if r.Type == graph.CoOccurs && os.Getenv("KG_DUMP_CO") == "" {
			continue
		}
		fmt.Printf("R\t%s\t%s\t%s\t%s\n", r.Type, names[r.From], names[r.To], r.Evidence[0].Rule)
	}
	fmt.Printf("region\t%s\n", c.Doc.Region)
}
