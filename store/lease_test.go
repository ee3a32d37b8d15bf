package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/winnowhq/winnow/store"
	"github.com/winnowhq/winnow/store/storetest"
)

// TestLease, on a real S3 server: one holder at a time; a renewed lease
// outlives its TTL; a released lease is free; a lease whose holder
// stopped renewing (killed) is taken over once expired, and its old holder
// then finds it lost.
func TestLease(t *testing.T) {
	storetest.Start(t)
	ctx := context.Background()
	c, err := store.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(ctx, "leases"); err != nil {
		t.Fatal(err)
	}
	ttl := 3 * time.Second
	a, err := c.Acquire(ctx, "leases", "out/.lock", "run A", ttl)
	if err != nil {
		t.Fatal(err)
	}
	var held *store.HeldError
	if _, err := c.Acquire(ctx, "leases", "out/.lock", "run B", ttl); !errors.As(err, &held) || held.Info.Holder != "run A" {
		t.Fatalf("a second holder: %v", err)
	}
	time.Sleep(ttl + time.Second) // A renews meanwhile
	if _, err := c.Acquire(ctx, "leases", "out/.lock", "run B", ttl); !errors.As(err, &held) || !strings.Contains(err.Error(), "another run") {
		t.Fatalf("after the TTL, while renewed: %v", err)
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := c.Acquire(ctx, "leases", "out/.lock", "run B", ttl)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	// B dies: no renewal, no release.
	b.Abandon()
	if _, err := c.Acquire(ctx, "leases", "out/.lock", "run C", ttl); !errors.As(err, &held) {
		t.Fatalf("before expiry: %v", err)
	}
	time.Sleep(ttl + 500*time.Millisecond)
	cl, err := c.Acquire(ctx, "leases", "out/.lock", "run C", ttl)
	if err != nil {
		t.Fatalf("taking over an expired lease: %v", err)
	}
	if err := b.Release(ctx); err == nil {
		t.Error("the dead holder released a lease taken over")
	}
	if err := cl.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Acquire(ctx, "leases", "out/.lock", "run D", time.Second); err == nil {
		t.Error("a TTL under 3s")
	}
}
