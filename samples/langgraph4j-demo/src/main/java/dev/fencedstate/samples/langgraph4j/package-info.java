/** A runnable sample: two requests on one LangGraph4j thread, with the stock saver and with the fenced one. */
@NullMarked
package dev.fencedstate.samples.langgraph4j;

import org.jspecify.annotations.NullMarked;
