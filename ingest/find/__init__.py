"""Finding the returns in the input folder and guarding each file before a reader opens it."""
