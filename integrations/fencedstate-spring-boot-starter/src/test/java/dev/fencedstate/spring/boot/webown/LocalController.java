package dev.fencedstate.spring.boot.webown;

import dev.fencedstate.FencedWriteException;
import dev.fencedstate.spring.dao.FencedWriteDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A controller with an exception handler of its own, which wins over every advice. */
@RestController
public class LocalController {

    @PostMapping("/local/fenced")
    String fenced() {
        throw new FencedWriteDataAccessException(new FencedWriteException("local", 1, 2));
    }

    @ExceptionHandler(FencedWriteDataAccessException.class)
    ResponseEntity<String> gone(FencedWriteDataAccessException e) {
        return ResponseEntity.status(HttpStatus.GONE).body("gone: " + e.key());
    }
}
