package com.example.nonboot;

public record Note(String text) {
}
