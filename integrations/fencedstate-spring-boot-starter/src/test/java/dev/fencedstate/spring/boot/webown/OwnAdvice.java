package dev.fencedstate.spring.boot.webown;

import dev.fencedstate.spring.dao.RetriesExhaustedDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** An application's own advice, unordered, as most are (outside the test application's scanned package). */
@ControllerAdvice
public class OwnAdvice {

    @ExceptionHandler(RetriesExhaustedDataAccessException.class)
    ResponseEntity<String> busy(RetriesExhaustedDataAccessException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).body("busy, try later: " + e.key());
    }
}
