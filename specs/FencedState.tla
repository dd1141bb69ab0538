---------------------------- MODULE FencedState ----------------------------
(***************************************************************************)
(* The commit protocol of fencedstate, as FencedStore implements it, with  *)
(* one action per atomic step of the code.                                 *)
(*                                                                         *)
(* Every FencedStore operation is a loop of two atomic steps on one key:   *)
(*   1. storage.read(key): the key's record and the backend's time, taken  *)
(*      together; then checks made on that local copy only, which may end  *)
(*      the operation with an outcome (conflict, fenced, claim held, false)*)
(*   2. storage.compareAndSet(seen, next): writes the next record only if  *)
(*      the stored record's revision is still the one read; if the write   *)
(*      loses, the operation goes back to step 1.                          *)
(* So in this spec a writer's read and its conditional write are separate  *)
(* actions, and any number of other steps (other writers, the clock) may   *)
(* come between them: a writer can stall between any two of its steps.    *)
(* The checks live in the read action because they read only the local    *)
(* copy; merging a purely local computation into the step before it does  *)
(* not change the set of behaviours.                                      *)
(*                                                                         *)
(* Each guard of the code is switched by the constant Mutant: the real     *)
(* spec sets Mutant = "none"; every file in mutants/ removes one guard and *)
(* names the invariant that TLC must then report violated.                *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, TLC

CONSTANTS
    Writers,    \* writer ids (FencedStore instances, or threads of one)
    Keys,       \* the keys of one StateStorage
    Lease,      \* the lease of claim and renew, in ticks of the backend clock
    MaxTime,    \* the backend clock stops advancing here (bounds the model)
    MaxWrites,  \* states in which this many writes were made (over all keys) are not explored further
    None,       \* a model value: no holder, no deadline, no snapshot, no claim
    Mutant      \* "none" for the real protocol, else the guard removed (see Guard)

ASSUME Lease \in Nat \ {0} /\ MaxTime \in Nat /\ MaxWrites \in Nat \ {0}

(* The guards of the code. Guard(g) is TRUE in the real spec; a mutant      *)
(* configuration turns exactly one of them off.                             *)
Mutants == {"none",
            "NoVersionCheck",          \* FencedStore.write: version != base => conflict
            "NoEpochCheck",            \* FencedStore.write: claim epoch != key epoch => fenced
            "ReclaimWithoutEpochBump", \* FencedStore.claim: epoch + 1 also when taking over an expired claim
            "BlindWrite",              \* StateStorage.compareAndSet: compare the revision read
            "ClaimIgnoresLiveLease",   \* FencedStore.claim: refuse while another lease is live
            "CommitIgnoresLiveClaim",  \* FencedStore.write: optimistic commit refused while a claim is live
            "ReleaseRestoresEpoch",    \* FencedStore.endGrant: epoch + 1, never back
            "RenewWithoutEpochCheck",  \* FencedStore.renew: requireCurrentGrant
            "DeleteRemovesRecord"}     \* delete keeps a tombstone record (version kept), never removes it
ASSUME Mutant \in Mutants

Guard(g) == Mutant # g

VARIABLES
    store,   \* store[k]: the record the backend holds for key k (Absent if none)
    now,     \* the backend's clock, the time authority for leases
    snap,    \* snap[w][k]: the version of w's latest Snapshot of k (an absent key reads as 0)
    claim,   \* claim[w][k]: w's latest Claim on k, [ep, grant, deadline], or None
    op,      \* op[w]: w's operation in progress (Idle between operations)
    \* ghost variables: never read by the protocol, only by the invariants
    acks,    \* acks[k][b]: how many commits from base version b of k were acknowledged (2 = two or more)
    hist,    \* hist[k][v]: the base version of the commit that produced version v of k, as stored now
    claimed, \* claimed[k]: [grant, grantAtApply] of each commit applied to k under a claim
    bypassed,\* bypassed[k]: the grants of k whose live lease an optimistic commit was applied through
    ended    \* ended[k]: the grants of k that were ended by release or revoke

vars == <<store, now, snap, claim, op, acks, hist, claimed, bypassed, ended>>
ghosts == <<acks, hist, claimed, bypassed, ended>>

(* A stored record. rev is StoredRecord.revision, ver the version, ep the   *)
(* epoch, exists whether it holds a value (FALSE: never written or deleted),*)
(* holder/deadline the claim. grant is a ghost: the revision at which the   *)
(* current grant was made (0 if none); it tells grants apart even when a    *)
(* mutant reuses an epoch.                                                  *)
Absent == [rev |-> 0, ver |-> 0, ep |-> 0, exists |-> FALSE,
           holder |-> None, deadline |-> None, grant |-> 0]

Idle == [kind |-> "idle", key |-> None, phase |-> None, seen |-> None,
         base |-> None, del |-> FALSE, cl |-> None, dl |-> None]

(* StoredRecord.isClaimedAt(now): a holder whose lease has not yet ended.   *)
Live(r, t) == r.holder # None /\ t < r.deadline

Times == 0..(MaxTime + Lease)
Revs == 0..MaxWrites + 1
Records == [rev : Revs, ver : Revs, ep : Revs, exists : BOOLEAN,
            holder : Writers \cup {None}, deadline : Times \cup {None}, grant : Revs]
Claims == [ep : Revs, grant : Revs, deadline : Times]

TypeOK ==
    /\ store \in [Keys -> Records]
    \* the StoredRecord constructor: holder and leaseDeadline are set together or not at all
    /\ \A k \in Keys : (store[k].holder = None) <=> (store[k].deadline = None)
    /\ now \in 0..MaxTime
    /\ snap \in [Writers -> [Keys -> Revs]]
    /\ claim \in [Writers -> [Keys -> Claims \cup {None}]]
    /\ \A w \in Writers : op[w].kind \in {"idle", "commit", "claim", "renew", "release", "revoke"}
    /\ acks \in [Keys -> [Revs -> 0..2]]
    /\ \A k \in Keys : \A v \in DOMAIN hist[k] : hist[k][v] \in Revs
    /\ claimed \in [Keys -> SUBSET [grant : Revs, grantAtApply : Revs]]
    /\ bypassed \in [Keys -> SUBSET Revs]
    /\ ended \in [Keys -> SUBSET Revs]

Init ==
    /\ store = [k \in Keys |-> Absent]
    /\ now = 0
    /\ snap = [w \in Writers |-> [k \in Keys |-> 0]]
    /\ claim = [w \in Writers |-> [k \in Keys |-> None]]
    /\ op = [w \in Writers |-> Idle]
    /\ acks = [k \in Keys |-> [b \in Revs |-> 0]]
    /\ hist = [k \in Keys |-> <<>>]
    /\ claimed = [k \in Keys |-> {}]
    /\ bypassed = [k \in Keys |-> {}]
    /\ ended = [k \in Keys |-> {}]

-----------------------------------------------------------------------------
(* Step 1 of every operation: storage.read(key), then the local checks.     *)
(* Finish ends the operation with an outcome that changes nothing shared.   *)

Finish(w) == op' = [op EXCEPT ![w] = Idle]

ToCas(w, o, r, dl) == op' = [op EXCEPT ![w] = [o EXCEPT !.phase = "cas", !.seen = r, !.dl = dl]]

ReadAndCheck(w, o) ==
    LET k == o.key
        r == store[k]       \* StorageRead.record (Absent for null)
        t == now            \* StorageRead.now
    IN  /\ CASE o.kind = "commit" ->                    \* FencedStore.write
                  IF o.cl # None
                  THEN IF Guard("NoEpochCheck") /\ r.ep # o.cl.ep
                       THEN Finish(w)                     \* FencedWriteException
                       ELSE IF Guard("NoVersionCheck") /\ r.ver # o.base
                            THEN Finish(w)                \* VersionConflictException
                            ELSE ToCas(w, o, r, None)
                  ELSE IF Guard("CommitIgnoresLiveClaim") /\ Live(r, t)
                       THEN Finish(w)                     \* ClaimHeldException
                       ELSE IF Guard("NoVersionCheck") /\ r.ver # o.base
                            THEN Finish(w)                \* VersionConflictException
                            ELSE ToCas(w, o, r, None)
             [] o.kind = "claim" ->                     \* FencedStore.claim
                  IF Guard("ClaimIgnoresLiveLease") /\ Live(r, t)
                  THEN Finish(w)                          \* ClaimHeldException
                  ELSE ToCas(w, o, r, t + Lease)
             [] o.kind = "renew" ->                     \* FencedStore.renew
                  IF Guard("RenewWithoutEpochCheck") /\ r.ep # o.cl.ep
                  THEN Finish(w)                          \* FencedWriteException
                  ELSE ToCas(w, o, r, t + Lease)
             [] o.kind = "release" ->                   \* FencedStore.release
                  IF r.ep # o.cl.ep
                  THEN Finish(w)                          \* returns false
                  ELSE ToCas(w, o, r, None)
             [] o.kind = "revoke" ->                    \* FencedStore.revoke
                  IF r.holder = None
                  THEN Finish(w)                          \* returns false
                  ELSE ToCas(w, o, r, None)
        /\ UNCHANGED <<store, now, snap, claim>> /\ UNCHANGED ghosts

-----------------------------------------------------------------------------
(* The next record each operation asks the backend to write, computed from  *)
(* the local copy s, exactly as FencedStore builds its StoredRecord.        *)

EndGrant(s) == [s EXCEPT !.rev = s.rev + 1,
                         !.ep = IF Guard("ReleaseRestoresEpoch") THEN s.ep + 1 ELSE s.ep - 1,
                         !.holder = None, !.deadline = None, !.grant = 0]

NextRecord(w, o) ==
    LET s == o.seen IN
    CASE o.kind = "commit" ->
            IF o.del /\ ~Guard("DeleteRemovesRecord")
            THEN Absent
            ELSE [s EXCEPT !.rev = s.rev + 1, !.ver = s.ver + 1, !.exists = ~o.del]
      [] o.kind = "claim" ->
            LET reclaiming == s.holder # None
                bump == IF reclaiming /\ ~Guard("ReclaimWithoutEpochBump") THEN 0 ELSE 1
            IN  [s EXCEPT !.rev = s.rev + 1, !.ep = s.ep + bump, !.holder = w,
                          !.deadline = o.dl, !.grant = s.rev + 1]
      [] o.kind = "renew" -> [s EXCEPT !.rev = s.rev + 1, !.deadline = o.dl]
      [] o.kind \in {"release", "revoke"} -> EndGrant(s)

(* Step 2 of every operation: storage.compareAndSet(seen, next).            *)
CompareAndSet(w) ==
    LET o == op[w]
        k == o.key
        r == store[k]
        next == NextRecord(w, o)
    IN  /\ o.phase = "cas"
        /\ IF r.rev = o.seen.rev \/ ~Guard("BlindWrite")
           THEN \* written: the operation returns its result
                /\ store' = [store EXCEPT ![k] = next]
                /\ op' = [op EXCEPT ![w] = Idle]
                /\ CASE o.kind = "commit" ->
                          /\ acks' = [acks EXCEPT ![k][o.base] = IF @ = 0 THEN 1 ELSE 2]
                          /\ hist' = [hist EXCEPT ![k] = (o.seen.ver + 1 :> o.base) @@ @]
                          /\ claimed' = IF o.cl = None THEN claimed
                                        ELSE [claimed EXCEPT ![k] =
                                                 @ \cup {[grant |-> o.cl.grant, grantAtApply |-> r.grant]}]
                          /\ bypassed' = IF o.cl = None /\ Live(r, now)
                                         THEN [bypassed EXCEPT ![k] = @ \cup {r.grant}]
                                         ELSE bypassed
                          /\ UNCHANGED <<claim, ended>>
                     [] o.kind = "claim" ->
                          /\ claim' = [claim EXCEPT ![w][k] =
                                          [ep |-> next.ep, grant |-> next.grant, deadline |-> o.dl]]
                          /\ UNCHANGED <<acks, hist, claimed, bypassed, ended>>
                     [] o.kind = "renew" ->
                          /\ claim' = [claim EXCEPT ![w][k] = [o.cl EXCEPT !.deadline = o.dl]]
                          /\ UNCHANGED <<acks, hist, claimed, bypassed, ended>>
                     [] o.kind \in {"release", "revoke"} ->
                          /\ ended' = [ended EXCEPT ![k] = @ \cup {r.grant}]
                          /\ UNCHANGED <<claim, acks, hist, claimed, bypassed>>
           ELSE \* lost to a concurrent write: decide again from a fresh read
                /\ op' = [op EXCEPT ![w] = [o EXCEPT !.phase = "read", !.seen = None, !.dl = None]]
                /\ UNCHANGED <<store, claim>> /\ UNCHANGED ghosts
        /\ UNCHANGED <<now, snap>>

-----------------------------------------------------------------------------
(* The user-level operations of writer w, one at a time. Starting an       *)
(* operation is local, so it is merged with the operation's first read.     *)

NewOp(kind, k) == [Idle EXCEPT !.kind = kind, !.key = k, !.phase = "read"]

(* FencedStore.read: one atomic read; the snapshot's version is the base of *)
(* a later commit. A writer keeps its snapshot as long as it likes (stale). *)
Read(w, k) ==
    /\ op[w] = Idle
    /\ snap' = [snap EXCEPT ![w][k] = store[k].ver]
    /\ UNCHANGED <<store, now, claim, op>> /\ UNCHANGED ghosts

(* commit(Snapshot, value) and delete(Snapshot); update(key, f) is a Read   *)
(* followed by one of these, repeated on conflict.                         *)
Commit(w, k, del) ==
    /\ op[w] = Idle
    /\ ReadAndCheck(w, [NewOp("commit", k) EXCEPT !.base = snap[w][k], !.del = del])

(* commit(Claim, Snapshot, value) and delete(Claim, Snapshot), with a claim *)
(* the writer may keep long after it was reclaimed, revoked or released.   *)
CommitUnderClaim(w, k, del) ==
    /\ claim[w][k] # None
    /\ op[w] = Idle
    /\ ReadAndCheck(w, [NewOp("commit", k) EXCEPT !.base = snap[w][k], !.del = del, !.cl = claim[w][k]])

Claim(w, k) ==
    /\ op[w] = Idle
    /\ ReadAndCheck(w, NewOp("claim", k))

Renew(w, k) ==
    /\ claim[w][k] # None
    /\ op[w] = Idle
    /\ ReadAndCheck(w, [NewOp("renew", k) EXCEPT !.cl = claim[w][k]])

Release(w, k) ==
    /\ claim[w][k] # None
    /\ op[w] = Idle
    /\ ReadAndCheck(w, [NewOp("release", k) EXCEPT !.cl = claim[w][k]])

(* Recovery: any writer may revoke any key's claim. *)
Revoke(w, k) ==
    /\ op[w] = Idle
    /\ ReadAndCheck(w, NewOp("revoke", k))

(* A conditional write that lost goes back to step 1. *)
ReadAgain(w) == op[w].phase = "read" /\ op[w].kind # "idle" /\ ReadAndCheck(w, op[w])

(* The backend's clock advances; leases expire. *)
Tick ==
    /\ now < MaxTime
    /\ now' = now + 1
    /\ UNCHANGED <<store, snap, claim, op>> /\ UNCHANGED ghosts

Next ==
    \/ Tick
    \/ \E w \in Writers :
          \/ ReadAgain(w)
          \/ CompareAndSet(w)
          \/ \E k \in Keys :
                \/ Read(w, k)
                \/ \E del \in BOOLEAN : Commit(w, k, del) \/ CommitUnderClaim(w, k, del)
                \/ Claim(w, k) \/ Renew(w, k) \/ Release(w, k) \/ Revoke(w, k)

Spec == Init /\ [][Next]_vars

(* Bounds the model: the revisions of all keys add up to the writes made;  *)
(* states with MaxWrites of them are checked but not extended.             *)
RECURSIVE SumOfRevisions(_)
SumOfRevisions(ks) ==
    IF ks = {} THEN 0
    ELSE LET k == CHOOSE k \in ks : TRUE IN store[k].rev + SumOfRevisions(ks \ {k})

Bounded == SumOfRevisions(Keys) < MaxWrites

-----------------------------------------------------------------------------
(* The guarantees.                                                          *)

(* No two acknowledged commits were made from the same base version of a    *)
(* key, and every acknowledged commit is still in its key's history (the    *)
(* commit that produced version base + 1): no acknowledged write was lost.  *)
NoLostUpdate ==
    \A k \in Keys : \A b \in Revs :
        /\ acks[k][b] <= 1
        /\ acks[k][b] = 1 => b + 1 \in DOMAIN hist[k] /\ hist[k][b + 1] = b

(* A zombie is fenced: no commit made under a claim was applied once the    *)
(* key's grant had moved past that claim (reclaimed, revoked or released).  *)
NoStaleApply ==
    \A k \in Keys : \A a \in claimed[k] : a.grant = a.grantAtApply

(* At most one writer holds a live claim per key: a claim whose lease has   *)
(* not ended and that was not ended by release or revoke.                   *)
ExclusiveClaim ==
    \A k \in Keys :
        Cardinality({w \in Writers : /\ claim[w][k] # None
                                     /\ claim[w][k].grant \notin ended[k]
                                     /\ now < claim[w][k].deadline}) <= 1

(* A live claim is respected: no optimistic commit was applied while        *)
(* someone held a live claim on the key.                                    *)
NoCommitThroughLiveClaim ==
    \A k \in Keys : bypassed[k] = {}

(* Versions and epochs never go back (action properties: TLC reports them   *)
(* as "Action property ... is violated").                                  *)
MonotonicVersion == [][\A k \in Keys : store'[k].ver >= store[k].ver]_store
MonotonicEpoch == [][\A k \in Keys : store'[k].ep >= store[k].ep]_store

(* For the symmetry reduction of the configurations. *)
Symmetry == Permutations(Writers) \cup Permutations(Keys)
=============================================================================
