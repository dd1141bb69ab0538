/**
 * Translation of fencedstate's exceptions into Spring's {@link org.springframework.dao.DataAccessException} family,
 * so code written against Spring's data-access exceptions treats conflicts as transient and fenced writers as final.
 */
@NullMarked
package dev.fencedstate.spring.dao;

import org.jspecify.annotations.NullMarked;
