"""Question banks, quizzes and exams, attempts and their scoring.

Definitions (banks, questions, quizzes and their drawing rules) are kept apart from
records (attempts and the questions drawn for them). The server draws an attempt's
questions, stores them with their option order and a snapshot of the answer key,
saves every answer as it is given and scores on submission; the browser never
receives an answer key before then.
"""
