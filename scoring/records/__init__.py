"""What is kept beside the answers: the development plan, the risk register and a baseline."""
