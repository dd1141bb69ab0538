package dev.fencedstate.spring.boot.hotkey;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application of issue 20, as a new user writes it: one repository, one controller that appends a step to a plan.
 * Its tests start it in the test JVM, or with {@link #main} as a process of its own (which prints {@code PORT <n>}
 * once it serves).
 */
@SpringBootApplication
public class HotKeyApplication {

    public static void main(String[] args) {
        SpringApplication.run(HotKeyApplication.class, args);
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> announcePort() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        return event -> out.println("PORT " + event.getWebServer().getPort());
    }

    @RestController
    static class PlanController {

        private final PlanStore plans;

        PlanController(PlanStore plans) {
            this.plans = plans;
        }

        @PostMapping("/plans/{id}/steps")
        Plan addStep(@PathVariable String id, @RequestBody String step) {
            return plans.update(id, Plan.empty(), plan -> plan.withStep(step));
        }

        @GetMapping("/plans/{id}")
        Plan plan(@PathVariable String id) {
            return plans.get(id).orElse(Plan.empty());
        }
    }
}
