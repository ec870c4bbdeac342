package badgerstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"kg/graph"
)

const (
	crashDirEnv   = "KG_TEST_CRASH_DIR"
	crashRoundEnv = "KG_TEST_CRASH_ROUND"
)

var crashOpts = Options{MemTableSize: 1 << 20} // small: some documents go through the journal

// TestCrashChild is the child of TestCrash: it writes until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("only run as the child of TestCrash")
	}
	round, _ := strconv.Atoi(os.Getenv(crashRoundEnv))
	s, err := Open(dir, crashOpts)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	rng := rand.New(rand.NewSource(int64(round)))
	fmt.Println("ready")
	for i := 0; ; i++ {
		id := fmt.Sprintf("doc%02d", rng.Intn(40))
		var err error
		switch {
		case i%7 == 3:
			err = s.Delete(ctx, id)
			if errors.Is(err, graph.ErrNotFound) {
				err = nil
			}
		case i%9 == 5:
			err = s.Apply(ctx, testDoc(rng.Int63(), "big"+id, 2000, 800, 2500))
		default:
			err = s.Apply(ctx, testDoc(rng.Int63(), id, 300, 15, 30))
		}
		if err != nil {
			fmt.Println("write:", err)
			os.Exit(2)
		}
	}
}

// TestCrash kills a writing process at random moments and checks after each
// kill that the store reopens and every document is wholly there or not at
// all, with counters and indexes that agree with the documents.
func TestCrash(t *testing.T) {
	if os.Getenv(crashDirEnv) != "" {
		t.Skip("child")
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	rounds := 4
	for round := 1; round <= rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashRoundEnv+"="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if !sc.Scan() || sc.Text() != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: child did not start: %q", round, sc.Text())
		}
		go func() {
			for sc.Scan() {
				t.Logf("child: %s", sc.Text())
			}
		}()
		wait := time.Duration(150+rng.Intn(900)) * time.Millisecond
		time.Sleep(wait)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v before it was killed", round, err)
		}
		var logs strings.Builder
		o := crashOpts
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
		s, err := Open(dir, o)
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "journal") || strings.Contains(l, "crash") {
				t.Logf("round %d: %s", round, l)
			}
		}
		if err != nil {
			t.Fatalf("round %d: reopen after kill at %v: %v", round, wait, err)
		}
		checkInvariants(t, s)
		st, _ := s.Stats(context.Background())
		t.Logf("round %d: killed after %v; %d documents, %d entities, %d relations", round, wait, st.Documents, st.Entities, st.Relations)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if t.Failed() {
			return
		}
	}
}
