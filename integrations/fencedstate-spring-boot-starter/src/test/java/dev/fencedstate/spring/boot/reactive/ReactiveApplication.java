package dev.fencedstate.spring.boot.reactive;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;
import dev.fencedstate.spring.FencedStores;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A WebFlux application (Netty) whose controller lets fencedstate failures escape, in and out of a Mono. */
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class ReactiveApplication {

    public record Tally(List<String> seen) {
    }

    @FencedState("tallies")
    public interface TallyStore extends FencedRepository<Tally> {
    }

    @RestController
    static class TallyController {

        private final TallyStore tallies;
        private final FencedStores stores;

        TallyController(TallyStore tallies, FencedStores stores) {
            this.tallies = tallies;
            this.stores = stores;
        }

        /** Blocking store calls go to a thread pool meant for them, as in any WebFlux application. */
        @PostMapping("/tallies/{id}/{seen}")
        Mono<Tally> add(@PathVariable String id, @PathVariable String seen) {
            return Mono.fromCallable(() -> tallies.update(id, new Tally(List.of()), tally -> {
                List<String> next = new java.util.ArrayList<>(tally.seen());
                next.add(seen);
                return new Tally(next);
            })).subscribeOn(Schedulers.boundedElastic());
        }

        @PostMapping("/fail/version-conflict")
        Mono<String> versionConflict() {
            return Mono.fromCallable(() -> {
                FencedStore store = stores.store("tallies");
                Snapshot base = store.read("vc");
                store.commit(base, "{\"seen\":[]}".getBytes(StandardCharsets.UTF_8));
                store.commit(base, "{\"seen\":[\"stale\"]}".getBytes(StandardCharsets.UTF_8));
                return "unreachable";
            }).subscribeOn(Schedulers.boundedElastic());
        }

        @PostMapping("/fail/invalid-key")
        Object invalidKey() {
            return tallies.get("");
        }
    }
}
