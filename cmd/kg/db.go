package main

import (
	"flag"
	"os"
)

func osGetenv(k string) string { return os.Getenv(k) }

// dbFlag registers --db on fs: the store directory, default $KG_DB, else
// ./kg-data.
func dbFlag(e *env, fs *flag.FlagSet) *string {
	def := e.getenv("KG_DB")
	if def == "" {
		def = "kg-data"
	}
	p := fs.String("db", def, "store `directory` (default $KG_DB, else ./kg-data)")
	fs.StringVar(p, "store", def, "where the graph lives: badger:DIR (same as --db DIR) or dgraph:HOST:PORT[,HOST:PORT...]")
	return p
}
