"""Where the dataset lives: the versioned store on disk, served locally or pushed to a triple
store."""
