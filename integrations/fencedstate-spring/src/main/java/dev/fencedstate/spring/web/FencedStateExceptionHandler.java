package dev.fencedstate.spring.web;

import dev.fencedstate.FencedStateException;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Answers a fencedstate exception escaping a controller (Spring MVC or WebFlux: the method is written for both) with
 * its problem document from {@link FencedStateProblems}, and logs it in one line: WARN, without a stack trace, for the
 * expected outcomes of concurrency and bad requests (4xx); ERROR with the stack trace for server-side failures (5xx),
 * which an operator must look at.
 *
 * <p><b>The application's own handling wins.</b> This advice has the lowest precedence
 * ({@link Ordered#LOWEST_PRECEDENCE}), so a controller's own {@code @ExceptionHandler} and every advice of the
 * application (unordered advice sorts with the same precedence, but is registered before auto-configured beans) are
 * asked first. A {@link DataAccessException} that is not one of fencedstate's translations is rethrown untouched,
 * which Spring treats as if this handler had not matched.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class FencedStateExceptionHandler {

    private static final Log LOG = LogFactory.getLog(FencedStateExceptionHandler.class);

    private final FencedStateProblems problems;

    public FencedStateExceptionHandler() {
        this(new FencedStateProblems());
    }

    public FencedStateExceptionHandler(FencedStateProblems problems) {
        this.problems = Objects.requireNonNull(problems, "problems");
    }

    /** The problem document for a fencedstate exception, or its Spring translation. */
    @ExceptionHandler({FencedStateException.class, DataAccessException.class})
    public ResponseEntity<ProblemDetail> handle(Exception exception) throws Exception {
        Optional<FencedStateProblems.Problem> found = problems.of(exception);
        if (found.isEmpty()) {
            throw exception; // not fencedstate's: let the rest of the chain answer it
        }
        FencedStateProblems.Problem problem = found.get();
        String line = problem.type().status().value() + " " + problem.type().slug() + ": "
                + problem.exception().getMessage();
        if (problem.type().status().is5xxServerError()) {
            LOG.error(line, problem.exception());
        } else {
            LOG.warn(line);
        }
        return problem.toResponseEntity();
    }
}
